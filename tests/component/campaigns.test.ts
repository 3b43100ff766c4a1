// @vitest-environment happy-dom
/**
 * 专项排查 on the phone (issue 21): 今日's card → the campaign's targets in walking order → the
 * visit form with the campaign's checklist → one visit carrying the campaign and target, through
 * the outbox, offline; a building answered once; a closed campaign shows results only. And the
 * store on its own.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { appDb } from '@/db'
import type { Campaign, CampaignTarget } from '@/domain/campaigns'
import type { Building, Household } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { useCampaignsStore } from '@/features/campaigns/campaigns.store'
import { household as makeHousehold, building as makeBuilding, stamp } from '../factories'
import { button, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll } from './helpers'

const DAY = 86_400_000
const gridId = session.user.gridIds[0]!
const b5: Building = makeBuilding(gridId, { name: '5号楼' })
const b9: Building = makeBuilding(gridId, { name: '9号楼' })
const h101: Household = makeHousehold(gridId, { buildingId: b5.id, unit: '1', room: '101', address: '幸福小区5号楼1-101', headName: '王秀英' })
const h201: Household = makeHousehold(gridId, { buildingId: b5.id, unit: '1', room: '201', address: '幸福小区5号楼1-201', headName: '赵大爷' })
const campaign: Campaign = {
  id: uuidv7(), hlc: stamp(), deleted: false, communityId: uuidv7(), title: '独居老人冬季走访', status: 'published',
  items: [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' }],
  selection: { kind: 'household', gridIds: [gridId], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
  startAt: Date.now() - DAY, deadlineAt: Date.now() + 3 * DAY + 60_000, createdBy: uuidv7(), publishedAt: Date.now() - DAY,
}
const target = (seq: number, over: Partial<CampaignTarget>): CampaignTarget => ({
  id: uuidv7(), hlc: campaign.hlc, deleted: false, campaignId: campaign.id, gridId, kind: 'household', householdId: null, buildingId: null, label: '', seq, ...over,
})
// Stored out of order: the page follows seq (walking order), not storage order.
const t201 = target(1, { householdId: h201.id, buildingId: b5.id, label: h201.address })
const t101 = target(0, { householdId: h101.id, buildingId: b5.id, label: h101.address })

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  const db = appDb()
  await db.households.bulkPut([h101, h201])
  await db.buildings.bulkPut([b5, b9])
  await db.campaigns.put(campaign)
  await db.campaignTargets.bulkPut([t201, t101])
  // No network: everything below is IndexedDB and the outbox.
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
})
afterEach(() => unmountAll())

const text = () => document.body.textContent ?? ''
const labelled = (label: string) => {
  const found = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === label)
  if (!found) throw new Error(`no button labelled ${label}`)
  return found
}
function choose(label: string) {
  const input = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === label)?.querySelector('input')
  if (!input) throw new Error(`no option ${label}`)
  input.checked = true
  input.dispatchEvent(new Event('change'))
}
const rowTexts = () => [...document.querySelectorAll('ol[aria-label="排查对象"] li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim())

describe('专项排查 on the phone', () => {
  it('今日 shows the campaign with its counts and a Chinese deadline; it opens to its targets in walking order', async () => {
    const { router } = await mountApp('/today')
    await until(() => text().includes('独居老人冬季走访'))
    expect(text()).toContain('已完成 0 · 剩余 2')
    expect(text()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 截止，还剩 4 天/)
    ;[...document.querySelectorAll('a')].find((a) => a.textContent?.includes('独居老人冬季走访'))!.click()
    await until(() => router.currentRoute.value.name === 'campaign' && rowTexts().length === 2)
    expect(rowTexts()).toEqual([expect.stringContaining('幸福小区5号楼1-101未走访'), expect.stringContaining('幸福小区5号楼1-201未走访')])
    expect(text()).toContain('已完成 0 · 不在家 0 · 拒访 0 · 未走访 2')
  })

  it('今日 shows the supervisor’s 催办 for this grid', async () => {
    const at = Date.now() - 60_000
    await appDb().campaigns.put({ ...campaign, remindedAt: at, remindGridIds: [gridId] })
    await mountApp('/today')
    await until(() => text().includes('督导已催办'))
    expect(text()).toMatch(/督导已催办（(\d{1,2}月\d{1,2}日 )?\d{2}:\d{2}）/) // a minute ago: today's time, or yesterday's date just after midnight
  })

  it('answering a target is a visit with the campaign’s checklist, campaign and target on it, queued offline; the counts follow', async () => {
    const { router } = await mountApp(`/campaigns/${campaign.id}`)
    await until(() => rowTexts().length === 2)
    labelled('排查 幸福小区5号楼1-201').click()
    await until(() => router.currentRoute.value.name === 'visit-new' && text().includes('取暖设施安全'))
    expect(text()).toContain('专项排查：独居老人冬季走访')
    expect(text()).toContain('赵大爷')
    await until(() => !button('保存走访').disabled)
    choose('已完成')
    await settle()
    button('保存走访').click()
    await until(() => text().includes('请填写此项')) // the campaign's required item
    choose('是')
    await settle()
    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    const [visit] = await appDb().visits.toArray()
    expect(visit).toMatchObject({
      householdId: h201.id, gridId, outcome: 'met', answers: { heat: true }, campaignId: campaign.id, campaignTargetId: t201.id,
      checklistId: null, checklistVersion: null, workerId: session.user.id,
    })
    const outbox = await appDb().outbox.toArray()
    expect(outbox.map((e) => [e.entity, e.recordId])).toEqual([['visits', visit!.id]])

    await router.push(`/campaigns/${campaign.id}`)
    await until(() => rowTexts()[1]?.includes('已完成') ?? false)
    expect(text()).toContain('已完成 1 · 不在家 0 · 拒访 0 · 未走访 1')
    await router.push('/today')
    await until(() => text().includes('已完成 1 · 剩余 1'))

    // The household's 走访 timeline reads the answer with the campaign's items; 更正 answers the same target again.
    await router.push(`/ledger/h/${h201.id}`)
    await until(() => text().includes('专项排查：独居老人冬季走访'))
    const item = document.querySelector('.ledger-timeline__item')!
    expect(item.querySelector('dt')?.textContent).toBe('取暖设施安全')
    expect(item.querySelector('dd')?.textContent).toBe('是')
    const correct = [...item.querySelectorAll('a')].find((a) => a.textContent?.trim() === '更正')!
    expect(correct.getAttribute('href')).toContain(`campaign=${campaign.id}`)
    expect(correct.getAttribute('href')).toContain(`target=${t201.id}`)
  })

  it('a building target is answered once, on a household of the building; one with no household here cannot be', async () => {
    const whole = target(2, { kind: 'building', buildingId: b5.id, label: '幸福小区 5号楼' })
    const empty = target(3, { kind: 'building', buildingId: b9.id, label: '幸福小区 9号楼' })
    await appDb().campaignTargets.bulkPut([whole, empty])
    const { router } = await mountApp(`/campaigns/${campaign.id}`)
    await until(() => rowTexts().length === 4)
    labelled('排查 幸福小区 9号楼').click()
    await until(() => text().includes('这栋楼在手机上没有住户'))
    expect(labelled('排查 幸福小区 9号楼').disabled).toBe(true)
    labelled('排查 幸福小区 5号楼').click()
    await until(() => router.currentRoute.value.name === 'visit-new' && text().includes('为整栋楼作答：幸福小区 5号楼'))
    expect(router.currentRoute.value.params.householdId).toBe(h101.id)
    await until(() => !button('保存走访').disabled)
    choose('拒访')
    await settle()
    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    expect((await appDb().visits.toArray())[0]).toMatchObject({ householdId: h101.id, outcome: 'refused', campaignTargetId: whole.id })
  })

  it('a closed campaign shows its results and offers no answering, also to a form opened by its address', async () => {
    await appDb().campaigns.put({ ...campaign, status: 'closed', closedAt: Date.now() })
    await mountApp(`/campaigns/${campaign.id}`)
    await until(() => rowTexts().length === 2)
    expect(text()).toContain('这项专项排查已关闭')
    expect(document.querySelectorAll('ol[aria-label="排查对象"] button')).toHaveLength(0)
    unmountAll()
    await mountApp(`/visits/new/${h101.id}?campaign=${campaign.id}&target=${t101.id}`)
    await until(() => !button('保存走访').disabled)
    choose('不在家')
    await settle()
    button('保存走访').click()
    await until(() => text().includes('这项专项排查已关闭，不能再作答'))
    expect(await appDb().visits.count()).toBe(0)
  })
})

describe('the campaigns store', () => {
  it('follows IndexedDB: a campaign arriving by pull appears, a target removed goes', async () => {
    setActivePinia(createPinia())
    const store = useCampaignsStore()
    store.watch()
    await until(() => store.cards.length === 1)
    expect(store.cards[0]).toMatchObject({ remaining: 2, counts: { total: 2 } })
    expect(store.rows(campaign.id).map((r) => r.target.id)).toEqual([t101.id, t201.id])
    const other: Campaign = { ...campaign, id: uuidv7(), title: '燃气安全排查', deadlineAt: Date.now() + DAY + 60_000 }
    await appDb().campaigns.put(other)
    await appDb().campaignTargets.put({ ...t101, id: uuidv7(), campaignId: other.id })
    await until(() => store.cards.length === 2, 6000)
    expect(store.cards.map((c) => c.campaign.title)).toEqual(['燃气安全排查', '独居老人冬季走访'])
    await appDb().campaignTargets.delete(t201.id)
    await until(() => store.counts(campaign.id)?.total === 1, 6000)
    expect(await store.routeToAnswer(campaign.id, { ...t101, kind: 'building', householdId: null, buildingId: b9.id })).toBeNull()
    store.unwatch()
  })
})
