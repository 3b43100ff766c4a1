/** 专项排查 on the phone, pure (src/features/campaigns/campaigns.models.ts): 今日 cards, target rows, deadline, answer route. */
import { describe, expect, it } from 'vitest'
import type { Campaign, CampaignTarget } from '@/domain/campaigns'
import { uuidv7 } from '@/domain/ids'
import { answerRoute, campaignCards, deadlineText, targetRows, type CampaignInputs } from '@/features/campaigns/campaigns.models'
import { stamp } from '../factories'

const DAY = 86_400_000
// 2026-12-07 16:00 in Shanghai (08:00 UTC).
const NOW = Date.UTC(2026, 11, 7, 8)
const communityId = uuidv7()
const gridId = uuidv7()

function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: uuidv7(), hlc: stamp(NOW - DAY), deleted: false, communityId, title: '独居老人冬季走访', status: 'published',
    items: [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' }],
    selection: { kind: 'household', gridIds: [gridId], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    startAt: NOW - DAY, deadlineAt: NOW + 7 * DAY, createdBy: uuidv7(), publishedAt: NOW - DAY,
    ...over,
  }
}
function target(c: Campaign, seq: number, label: string, over: Partial<CampaignTarget> = {}): CampaignTarget {
  return { id: uuidv7(), hlc: c.hlc, deleted: false, campaignId: c.id, gridId, kind: 'household', householdId: uuidv7(), buildingId: null, label, seq, ...over }
}
function answer(t: CampaignTarget, outcome: 'met' | 'absent' | 'refused', at: number) {
  return { campaignId: t.campaignId, campaignTargetId: t.id, outcome, workerId: 'w', hlc: stamp(at, 'phone'), endedAt: at, deleted: false }
}

describe('今日 cards', () => {
  const soon = campaign({ title: '燃气安全排查', deadlineAt: NOW + 12 * 60 * 60_000 })
  const later = campaign()
  const draft = campaign({ status: 'draft' })
  const closed = campaign({ status: 'closed', closedAt: NOW - 1000 })
  const none = campaign({ title: '没有对象' })
  const t1 = target(later, 0, '5号楼1-101')
  const t2 = target(later, 1, '5号楼1-201')
  const t3 = target(later, 2, '15号楼1-101')
  const inputs: CampaignInputs = {
    campaigns: [later, soon, draft, closed, none],
    targets: [t1, t2, t3, target(soon, 0, 'x'), target(draft, 0, 'y'), target(closed, 0, 'z')],
    answers: [answer(t1, 'met', NOW - 1000), answer(t2, 'absent', NOW - 500)],
  }

  it('lists the running campaigns with targets here, nearest deadline first', () => {
    expect(campaignCards(inputs, NOW).map((c) => c.campaign.title)).toEqual(['燃气安全排查', '独居老人冬季走访'])
  })

  it('counts done and remaining (不在家 still remains) and says where the deadline stands', () => {
    const [first, second] = campaignCards(inputs, NOW)
    expect(first).toMatchObject({ deadline: 'due_soon', remaining: 1, counts: { total: 1, done: 0 } })
    expect(second).toMatchObject({ deadline: 'open', daysLeft: 7, remaining: 2, counts: { total: 3, done: 1, not_home: 1, not_yet: 1 } })
    expect(second!.remindedAt).toBeNull()
  })

  it('shows a 催办 that named a grid of the targets here, while some remain', () => {
    const at = NOW - 60_000
    const cardOf = (over: Partial<Campaign>, answers: CampaignInputs['answers'] = []) =>
      campaignCards({ campaigns: [{ ...later, ...over }], targets: [t1], answers }, NOW)[0]!
    expect(cardOf({ remindedAt: at, remindGridIds: [gridId] }).remindedAt).toBe(at)
    expect(cardOf({ remindedAt: at, remindGridIds: [uuidv7()] }).remindedAt).toBeNull()
    expect(cardOf({ remindedAt: at, remindGridIds: [gridId] }, [answer(t1, 'met', NOW)]).remindedAt).toBeNull()
  })
})

describe('a campaign’s targets', () => {
  const c = campaign()
  const a = target(c, 2, '幸福小区15号楼1-101')
  const b = target(c, 0, '幸福小区5号楼1-101')
  const d = target(c, 1, '幸福小区5号楼1-201')
  const gone = target(c, 3, '已删除', { deleted: true })

  it('come in walking order (seq), each with its state; a later 不在家 does not undo 已完成', () => {
    const rows = targetRows({
      campaigns: [c], targets: [a, b, d, gone],
      answers: [answer(b, 'met', NOW - 3000), answer(b, 'absent', NOW - 1000), answer(d, 'refused', NOW - 2000)],
    }, c.id)
    expect(rows.map((r) => [r.target.label, r.state, r.answeredAt])).toEqual([
      ['幸福小区5号楼1-101', 'done', NOW - 1000],
      ['幸福小区5号楼1-201', 'refused', NOW - 2000],
      ['幸福小区15号楼1-101', 'not_yet', null],
    ])
  })

  it('an answer of another campaign does not count', () => {
    const other = { ...answer(a, 'met', NOW), campaignId: uuidv7() }
    expect(targetRows({ campaigns: [c], targets: [a], answers: [other] }, c.id)[0]!.state).toBe('not_yet')
  })
})

describe('deadline and answering', () => {
  it('reads the deadline as a Chinese date on the community calendar', () => {
    expect(deadlineText(campaign(), NOW, 'zh-CN')).toEqual({ key: 'campaigns.deadline.open', date: '2026年12月14日', days: 7 })
    expect(deadlineText(campaign({ deadlineAt: NOW - DAY }), NOW, 'zh-CN')).toMatchObject({ key: 'campaigns.deadline.overdue', date: '2026年12月6日', days: 0 })
    expect(deadlineText(campaign({ startAt: NOW + DAY }), NOW, 'zh-CN')).toMatchObject({ key: 'campaigns.deadline.not_started', date: '2026年12月8日' })
  })

  it('opens the visit form on the household, or on the household a building’s answer is recorded on', () => {
    const c = campaign()
    const h = target(c, 0, '1-101')
    expect(answerRoute(c.id, h)).toEqual({ name: 'visit-new', params: { householdId: h.householdId }, query: { campaign: c.id, target: h.id } })
    const b = target(c, 1, '幸福小区 3号楼', { kind: 'building', householdId: null, buildingId: uuidv7() })
    expect(answerRoute(c.id, b, 'hh-1')).toMatchObject({ params: { householdId: 'hh-1' }, query: { target: b.id } })
    expect(answerRoute(c.id, b)).toBeNull()
  })
})
