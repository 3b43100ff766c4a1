// @vitest-environment happy-dom
/**
 * The issue page: its buttons are exactly the steps the rules allow the person on this phone,
 * each step is stored with its outbox entry and shows in the timeline as 待同步, and a step the
 * server refused stays visible with its Chinese reason.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Repository, appDb, setMeta } from '@/db'
import { reportIssue } from '@/db/issues'
import type { IssueEvent } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { draftToIssue, emptyDraft } from '@/features/issues/issues.models'
import { household, patrol, visit } from '../factories'
import { button, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll } from './helpers'

const gridId = session.user.gridIds[0]
const me = session.user.id
const supervisorId = uuidv7()
const otherWorker = uuidv7()

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  await setMeta(appDb(), 'deviceId', 'phone-test')
  await appDb().users.bulkPut([
    { id: me, hlc: '001763880000000-00000-server', deleted: false, name: session.user.name, role: 'worker', gridIds: [gridId], phone: '' },
    { id: otherWorker, hlc: '001763880000000-00000-server', deleted: false, name: '张伟', role: 'worker', gridIds: [gridId], phone: '' },
    { id: supervisorId, hlc: '001763880000000-00000-server', deleted: false, name: '王书记', role: 'supervisor', gridIds: [], phone: '' },
  ])
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

async function reported(type: 'issue' | 'wish' = 'issue', reporter = me, location: { lng: number; lat: number; accuracy?: number } | null = null) {
  const at = Date.now() - 60_000
  const draft = { ...emptyDraft(gridId), type, title: '楼道堆放杂物', category: 'fire_safety' as const, location }
  const { issue, event } = await reportIssue(appDb(), new Repository(appDb()), draftToIssue(draft, reporter, at), { actorId: reporter, at, data: {} })
  // Synced: the server accepted the report first and the pull brought its numbered copy back.
  await appDb().outbox.clear()
  await appDb().issueEvents.put({ ...event, acceptedSeq: 1 } as IssueEvent)
  return issue
}

/** A step the server accepted (as a pull stores it). */
async function accepted(issueId: string, seq: number, type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}) {
  const at = Date.now() - 50_000 + seq
  await appDb().issueEvents.put({ id: uuidv7(), hlc: `00${at}-00000-server`, deleted: false, issueId, type, actorId, at, data, acceptedSeq: seq } as IssueEvent)
}

function buttonsShown(): string[] {
  return [...document.querySelectorAll('.issues-actions__buttons button')].map((b) => b.textContent!.trim())
}
const timeline = () => document.querySelector('.issues-timeline')?.textContent ?? ''

async function asSupervisor() {
  await setMeta(appDb(), 'session', { ...session, user: { ...session.user, id: supervisorId, name: '王书记', role: 'supervisor', gridIds: [] } })
}

describe('issue page', () => {
  it('reads the place as the building it is at, or the distance to the nearest one in the grid — never coordinates', async () => {
    const hlc = '001763880000000-00000-server'
    await appDb().grids.put({ id: gridId, hlc, deleted: false, communityId: gridId, parentId: null, level: 'grid', name: '第一网格', code: 'G01', boundary: null, workerIds: [] })
    await appDb().buildings.bulkPut([
      { id: uuidv7(), hlc, deleted: false, gridId, compound: '翠湖花园', name: '5号楼', location: [120.50483, 36.87418], units: 2, floors: 6 },
      { id: uuidv7(), hlc, deleted: false, gridId, compound: '翠湖花园', name: '15号楼', location: [120.50483, 36.8790], units: 2, floors: 6 },
    ])
    const atBuilding = await reported('issue', me, { lng: 120.50485, lat: 36.87422, accuracy: 8 })
    const { wrapper } = await mountApp(`/issues/${atBuilding.id}`)
    await until(() => wrapper.text().includes('翠湖花园 5号楼'))
    expect(wrapper.text()).not.toMatch(/36\.87|120\.50|±/)
    unmountAll()
    // ~120 m south of 5号楼: in words, with the grid.
    const near = await reported('issue', me, { lng: 120.50483, lat: 36.87418 - 120 / 111_195, accuracy: 8 })
    const second = await mountApp(`/issues/${near.id}`)
    await until(() => second.wrapper.text().includes('第一网格内，距翠湖花园 5号楼约120米'))
    expect(second.wrapper.text()).not.toMatch(/36\.87|120\.50/)
  })

  it('reads 来自 as the visit or patrol in words and opens it: the household’s page, the 巡查小结', async () => {
    const h = household(gridId, { address: '翠湖花园 5号楼 2单元 301' })
    const v = visit(h, me, { startedAt: Date.UTC(2026, 11, 5, 2, 0), endedAt: Date.UTC(2026, 11, 5, 2, 20) })
    const p = patrol(gridId, me, { startedAt: Date.UTC(2026, 11, 5, 1, 10) })
    await appDb().households.put(h)
    await appDb().visits.put(v)
    await appDb().patrols.put(p)
    const at = Date.now() - 60_000
    const repo = new Repository(appDb())
    const base = { ...emptyDraft(gridId), title: '门口积水', category: 'sanitation' as const }
    const { issue: fromVisit } = await reportIssue(appDb(), repo, { ...draftToIssue(base, me, at), source: 'visit', sourceId: v.id, householdId: h.id }, { actorId: me, at, data: {} })
    const { issue: fromPatrol } = await reportIssue(appDb(), repo, { ...draftToIssue(base, me, at), source: 'patrol', sourceId: p.id }, { actorId: me, at, data: {} })

    const first = await mountApp(`/issues/${fromVisit.id}`)
    await until(() => first.wrapper.text().includes('入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日'))
    expect(first.wrapper.text()).not.toContain(v.id)
    first.wrapper.findAll('.van-cell').find((c) => c.text().includes('入户走访'))!.element.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await until(() => first.router.currentRoute.value.path === `/ledger/h/${h.id}`)
    unmountAll()

    const second = await mountApp(`/issues/${fromPatrol.id}`)
    await until(() => second.wrapper.text().includes('巡查 · 12月5日 09:10'))
    second.wrapper.findAll('.van-cell').find((c) => c.text().includes('巡查 ·'))!.element.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await until(() => second.router.currentRoute.value.path === `/patrol/${p.id}/summary`)
  })

  it('offers a worker 接单 of an unassigned issue of their grid; then 到场 / 进展 / 上报上级 / 办结, each stored as 待同步', async () => {
    const issue = await reported()
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => buttonsShown().length > 0)
    expect(buttonsShown()).toEqual(['接单'])
    expect(wrapper.text()).toContain('待派单')

    button('接单').click()
    await until(() => buttonsShown().includes('办结'))
    expect(buttonsShown()).toEqual(['到场', '进展', '上报上级', '办结'])
    expect(timeline()).toContain('接单')
    expect(timeline()).toContain('待同步')
    const events = await appDb().issueEvents.where('issueId').equals(issue.id).toArray()
    expect(events.map((e) => e.type).sort()).toEqual(['accepted', 'reported'])
    expect(await appDb().outbox.where('recordId').equals(events.find((e) => e.type === 'accepted')!.id).count()).toBe(1)

    button('到场').click()
    await until(() => !buttonsShown().includes('到场'))
    // The buttons follow the issue's state, the timeline its own watch of the events: either may come first.
    await until(() => timeline().includes('到场'))
  })

  it('asks 办结 for a note or a photo, then leaves the worker no further step (评价 and 销号 are the supervisor’s)', async () => {
    const issue = await reported()
    await accepted(issue.id, 2, 'accepted', me)
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => buttonsShown().includes('办结'))
    button('办结').click()
    await until(() => !!document.querySelector('.issues-action-form'))
    button('确定').click()
    await until(() => wrapper.text().includes('请填写说明或添加照片'))
    await wrapper.find('.issues-action-form textarea[name="note"]').setValue('已清理楼道杂物')
    button('确定').click()
    await until(() => wrapper.text().includes('当前没有您可以进行的操作'))
    expect(timeline()).toContain('已清理楼道杂物')
    expect(wrapper.text()).toContain('已办结')
  })

  it('gives a supervisor 评价 then 销号 of a resolved issue, and never 销号 before 评价', async () => {
    const issue = await reported('issue', otherWorker)
    await accepted(issue.id, 2, 'accepted', otherWorker)
    await accepted(issue.id, 3, 'resolved', otherWorker, { note: '已处理' })
    await asSupervisor()
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => buttonsShown().length > 0)
    expect(buttonsShown()).toEqual(['评价', '重新打开'])
    button('评价').click()
    await until(() => !!document.querySelector('.van-rate'))
    await wrapper.find('.issues-action-form textarea[name="note"]').setValue('电话回访，居民满意')
    button('确定').click()
    await until(() => buttonsShown().includes('销号'))
    expect(timeline()).toContain('满意度 5 星')
    button('销号').click()
    await until(() => wrapper.text().includes('已销号'))
    expect(buttonsShown()).toEqual(['重新打开'])
  })

  it('lets a supervisor dispatch (派单) to a worker of the issue’s grid', async () => {
    const issue = await reported()
    await asSupervisor()
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => buttonsShown().includes('派单'))
    button('派单').click()
    await until(() => !!document.querySelector('.issues-action-form'))
    const zhang = [...document.querySelectorAll<HTMLElement>('.issues-action-form .van-radio')].find((r) => r.textContent?.trim() === '张伟')
    zhang!.click()
    await settle()
    button('确定').click()
    await until(() => timeline().includes('派给 张伟'))
    expect(wrapper.text()).toContain('已派单')
    const [assigned] = await appDb().issueEvents.filter((e) => e.type === 'assigned').toArray()
    expect(assigned.data).toEqual({ assigneeId: otherWorker })
  })

  it('records 认领 of a 微心愿 for a named volunteer, then 完成', async () => {
    const wish = await reported('wish')
    const { wrapper } = await mountApp(`/issues/${wish.id}`)
    await until(() => buttonsShown().includes('认领'))
    button('认领').click()
    await until(() => !!document.querySelector('.issues-action-form'))
    ;[...document.querySelectorAll<HTMLElement>('.van-radio')].find((r) => r.textContent?.includes('志愿者'))!.click()
    await settle()
    await wrapper.find('input[name="volunteerName"]').setValue('李志愿')
    await wrapper.find('input[name="volunteerPhone"]').setValue('13900000000')
    button('确定').click()
    await until(() => buttonsShown().includes('完成'))
    expect(wrapper.text()).toContain('李志愿 13900000000')
  })

  it('keeps a step the server refused visible with its reason: 已由 张伟 接单', async () => {
    const issue = await reported()
    await accepted(issue.id, 2, 'accepted', otherWorker)
    await appDb().rejected.add({
      id: uuidv7(), entity: 'issueEvents', recordId: uuidv7(), op: 'put', hlc: '001763880000000-00000-phone-test', queuedAt: 1, attempts: 0,
      fields: { issueId: issue.id, type: 'accepted', actorId: me }, reason: 'already accepted', rejectedAt: 2,
      code: 'already_accepted', params: { name: '张伟' },
    } as never)
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => timeline().includes('已由 张伟 接单'))
    expect(timeline()).toContain('需处理')
    expect(wrapper.text()).toContain('当前没有您可以进行的操作')
  })
})
