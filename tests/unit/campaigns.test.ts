import { describe, expect, it } from 'vitest'
import {
  campaignActionProblem,
  campaignProblemText,
  campaignProgress,
  campaignSchema,
  campaignTargetSchema,
  canManageCampaign,
  daysLeft,
  deadlineState,
  judgeCampaignAnswer,
  selectTargets,
  targetState,
  type Campaign,
  type CampaignActor,
} from '@/domain/campaigns'
import { MAX_FUTURE_DRIFT_MS } from '@/domain/hlc'
import { uuidv7 } from '@/domain/ids'
import { safeParseRecord } from '@/domain/entities'
import { building, grid, household, stamp, T0, visit } from '../factories'

const DAY = 86_400_000
const g1 = grid()
const g2 = grid()
const b15 = building(g1.id, { compound: '幸福小区', name: '15号楼' })
const b5 = building(g1.id, { compound: '幸福小区', name: '5号楼' })
const bOther = building(g2.id, { compound: '和平小区', name: '1号楼' })
const elder = household(g1.id, { buildingId: b15.id, unit: '1', room: '101', address: '幸福小区15号楼1-101', tags: ['living_alone_elder'] })
const elder2 = household(g1.id, { buildingId: b5.id, unit: '2', room: '301', address: '幸福小区5号楼2-301', tags: ['living_alone_elder'] })
const plain = household(g1.id, { buildingId: b5.id, unit: '1', room: '101', address: '幸福小区5号楼1-101', tags: [] })
const movedOut = household(g1.id, { buildingId: b5.id, tags: ['living_alone_elder'], movedOutAt: T0 })
const memberTagged = household(g2.id, {
  buildingId: bOther.id,
  address: '和平小区1号楼',
  tags: [],
  members: [{ name: '王阿姨', relation: '户主', gender: 'female', birthYear: 1940, idNumber: '', phone: '', tags: ['living_alone_elder'] }],
})
const households = [elder, elder2, plain, movedOut, memberTagged]
const buildings = [b15, b5, bOther]

const community = uuidv7()
function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: uuidv7(),
    hlc: stamp(T0, 'server'),
    deleted: false,
    communityId: community,
    title: '独居老人冬季走访',
    status: 'draft',
    items: [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' }],
    selection: { kind: 'household', gridIds: [g1.id], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    startAt: T0,
    deadlineAt: T0 + 7 * DAY,
    createdBy: uuidv7(),
    ...over,
  }
}

describe('campaign records', () => {
  it('parse with the shared schemas and a visit carries the campaign', () => {
    expect(campaignSchema.safeParse(campaign()).success).toBe(true)
    expect(campaignSchema.safeParse(campaign({ title: '' })).success).toBe(false)
    const t = { id: uuidv7(), hlc: stamp(T0), deleted: false, campaignId: uuidv7(), gridId: g1.id, kind: 'household', householdId: elder.id, buildingId: null, label: 'x' }
    expect(campaignTargetSchema.safeParse(t).success).toBe(true)
    const v = visit(elder, uuidv7(), { campaignId: t.campaignId, campaignTargetId: t.id })
    expect(safeParseRecord('visits', v).ok).toBe(true)
    expect(safeParseRecord('visits', { ...v, campaignId: 'nope' }).ok).toBe(false)
  })
})

describe('target selection', () => {
  it('picks households by grid and tag (member tags too), never moved out, in walking order', () => {
    const t = selectTargets({ kind: 'household', gridIds: [g1.id], tags: ['living_alone_elder'], compounds: [], buildingIds: [] }, households, buildings)
    expect(t.map((x) => x.householdId)).toEqual([elder2.id, elder.id]) // 5号楼 before 15号楼
    const all = selectTargets({ kind: 'household', gridIds: [], tags: ['living_alone_elder'], compounds: [], buildingIds: [] }, households, buildings)
    expect(all.map((x) => x.householdId)).toEqual([memberTagged.id, elder2.id, elder.id])
  })

  it('picks households by compound and by building', () => {
    const byCompound = selectTargets({ kind: 'household', gridIds: [], tags: [], compounds: ['幸福小区'], buildingIds: [] }, households, buildings)
    expect(byCompound.map((x) => x.householdId)).toEqual([plain.id, elder2.id, elder.id])
    const byBuilding = selectTargets({ kind: 'household', gridIds: [], tags: [], compounds: [], buildingIds: [b15.id] }, households, buildings)
    expect(byBuilding.map((x) => x.householdId)).toEqual([elder.id])
  })

  it('picks buildings, one target each', () => {
    const t = selectTargets({ kind: 'building', gridIds: [g1.id], tags: ['living_alone_elder'], compounds: [], buildingIds: [] }, households, buildings)
    expect(t).toEqual([
      { gridId: g1.id, kind: 'building', householdId: null, buildingId: b5.id, label: '幸福小区 5号楼' },
      { gridId: g1.id, kind: 'building', householdId: null, buildingId: b15.id, label: '幸福小区 15号楼' },
    ])
  })
})

describe('progress', () => {
  const w1 = uuidv7()
  const w2 = uuidv7()
  const targets = [
    { id: uuidv7(), gridId: g1.id, deleted: false },
    { id: uuidv7(), gridId: g1.id, deleted: false },
    { id: uuidv7(), gridId: g1.id, deleted: false },
    { id: uuidv7(), gridId: g2.id, deleted: false },
  ]
  const a = (i: number, outcome: 'met' | 'absent' | 'refused', wall: number, workerId = w1) => ({ campaignTargetId: targets[i]!.id, outcome, workerId, hlc: stamp(wall) })

  it('a target is done once met; else the latest outcome', () => {
    expect(targetState([])).toBe('not_yet')
    expect(targetState([a(0, 'absent', 1), a(0, 'refused', 2)])).toBe('refused')
    expect(targetState([a(0, 'refused', 2), a(0, 'absent', 3)])).toBe('not_home')
    expect(targetState([a(0, 'met', 1), a(0, 'absent', 3)])).toBe('done')
  })

  it('counts per grid and per worker with percentages, workers in the given order', () => {
    const p = campaignProgress(targets, [a(0, 'met', 1), a(1, 'absent', 2), a(3, 'refused', 3, w2)], {
      gridWorkers: new Map([[g1.id, [w2, w1]], [g2.id, [w2]]]),
      gridOrder: [g2.id, g1.id],
      workerOrder: [w1, w2],
    })
    expect(p.overall).toEqual({ total: 4, done: 1, not_home: 1, refused: 1, not_yet: 1, percent: 25 })
    expect(p.grids.map((g) => [g.gridId, g.percent, g.not_yet])).toEqual([[g2.id, 0, 0], [g1.id, 33, 1]])
    expect(p.workers.map((w) => [w.workerId, w.total, w.done])).toEqual([[w1, 3, 1], [w2, 4, 1]])
  })

  it('ignores deleted targets and answers of other targets', () => {
    const p = campaignProgress([{ ...targets[0]!, deleted: true }, targets[1]!], [a(0, 'met', 1), { ...a(1, 'met', 1), campaignTargetId: uuidv7() }])
    expect(p.overall.total).toBe(1)
    expect(p.overall.done).toBe(0)
  })
})

describe('deadline', () => {
  it('says where the campaign stands', () => {
    const c = campaign({ status: 'published' })
    expect(deadlineState(campaign(), T0)).toBe('draft')
    expect(deadlineState(c, T0 - 1)).toBe('not_started')
    expect(deadlineState(c, T0 + DAY)).toBe('open')
    expect(deadlineState(c, T0 + 6.5 * DAY)).toBe('due_soon')
    expect(deadlineState(c, T0 + 8 * DAY)).toBe('overdue')
    expect(deadlineState({ ...c, status: 'closed' }, T0 + DAY)).toBe('closed')
    expect(daysLeft(T0 + 7 * DAY, T0 + 0.5 * DAY)).toBe(7)
  })
})

describe('who may manage', () => {
  const admin: CampaignActor = { role: 'admin', all: true, communityIds: new Set() }
  const sup: CampaignActor = { role: 'supervisor', all: false, communityIds: new Set([community]) }
  const otherSup: CampaignActor = { role: 'supervisor', all: false, communityIds: new Set([uuidv7()]) }
  const worker: CampaignActor = { role: 'worker', all: false, communityIds: new Set([community]) }

  it('admin anywhere, supervisor own community, worker never', () => {
    expect(canManageCampaign(admin, community)).toBe(true)
    expect(canManageCampaign(sup, community)).toBe(true)
    expect(canManageCampaign(otherSup, community)).toBe(false)
    expect(canManageCampaign(worker, community)).toBe(false)
  })

  it('publishes a good draft only, closes a published one only', () => {
    const d = campaign()
    expect(campaignActionProblem(sup, d, 'publish', { now: T0, targetCount: 3 })).toBeNull()
    expect(campaignActionProblem(sup, d, 'publish', { now: T0, targetCount: 0 })).toBe('no_targets')
    expect(campaignActionProblem(sup, { ...d, deadlineAt: T0 }, 'publish', { now: T0, targetCount: 3 })).toBe('deadline_before_start')
    expect(campaignActionProblem(sup, d, 'publish', { now: T0 + 8 * DAY, targetCount: 3 })).toBe('deadline_past')
    expect(campaignActionProblem(worker, d, 'publish', { now: T0, targetCount: 3 })).toBe('forbidden')
    expect(campaignActionProblem(sup, d, 'close', { now: T0 })).toBe('not_published')
    const p = { ...d, status: 'published' as const }
    expect(campaignActionProblem(sup, p, 'edit', { now: T0 })).toBe('not_draft')
    expect(campaignActionProblem(sup, p, 'close', { now: T0 })).toBeNull()
    expect(campaignActionProblem(sup, p, 'remind', { now: T0 })).toBeNull()
    expect(campaignProblemText('no_targets')).toMatch(/没有选中/)
    expect(campaignProblemText('no_targets', 'en')).toMatch(/no targets/)
  })
})

describe('answers of a closed campaign', () => {
  it('are taken when made before the close (within the clock bound), refused after', () => {
    const closedAt = T0 + DAY
    const c = campaign({ status: 'closed', closedAt })
    expect(judgeCampaignAnswer(c, stamp(closedAt - 60_000, 'phone'))).toEqual({ ok: true })
    expect(judgeCampaignAnswer(c, stamp(closedAt + MAX_FUTURE_DRIFT_MS, 'phone'))).toEqual({ ok: true })
    const late = judgeCampaignAnswer(c, stamp(closedAt + MAX_FUTURE_DRIFT_MS + 1, 'phone'))
    expect(late).toMatchObject({ ok: false, reason: 'campaign_closed' })
    expect(judgeCampaignAnswer(campaign(), stamp(T0))).toMatchObject({ ok: false, reason: 'campaign_draft' })
    expect(judgeCampaignAnswer(campaign({ status: 'published' }), stamp(T0 + 100 * DAY))).toEqual({ ok: true })
  })
})
