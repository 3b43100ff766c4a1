/**
 * 专项排查 (campaigns, 任务下发): a special check a supervisor sends down to households or
 * buildings, with its own checklist, a start and a deadline — the rules phone, console and server
 * share (issue 21).
 *
 * A campaign answer IS a visit (src/domain/entities visitSchema) carrying `campaignId` and
 * `campaignTargetId`, filled in with the campaign's checklist: it counts for the household's
 * cadence like any visit, and it is immutable like any visit. A building target is answered once
 * for the building (one visit naming the target; its householdId is the household the worker met
 * there, or any household of the building).
 *
 * The checklist is embedded in the campaign (a copy of a standing one or its own items), not a
 * pointer: a campaign is a one-off, and a later edit of the standing checklist must not change
 * what a running campaign asks.
 */
import type { Building, CampaignSelection, CampaignTarget, Campaign, Household } from './entities'
import { MAX_FUTURE_DRIFT_MS, parseHlc } from './hlc'
import { naturalCompare } from './naturalOrder'

export const CAMPAIGN_TARGETS_MAX = 50_000
export const DUE_SOON_MS = 24 * 60 * 60 * 1000

// The record shapes live beside the other synced entities (src/domain/entities: campaigns and
// campaignTargets reach phones through the change feed), re-exported here with the rules.
export {
  campaignSchema,
  campaignSelectionSchema,
  campaignStatusSchema,
  campaignTargetKindSchema,
  campaignTargetSchema,
  type Campaign,
  type CampaignSelection,
  type CampaignStatus,
  type CampaignTarget,
} from './entities'

// ---------------------------------------------------------------------------------------------
// Target selection

type HouseholdLike = Pick<Household, 'id' | 'gridId' | 'buildingId' | 'address' | 'tags' | 'members' | 'deleted'> &
  Partial<Pick<Household, 'movedOutAt' | 'unit' | 'room'>>
type BuildingLike = Pick<Building, 'id' | 'gridId' | 'compound' | 'name' | 'deleted'>

export interface SelectedTarget {
  gridId: string
  kind: 'household' | 'building'
  householdId: string | null
  buildingId: string | null
  label: string
}

/**
 * The targets a selection reaches, in walking order (compound, building, unit, room — natural
 * order, 5号楼 before 15号楼). Deleted and moved-out households are never targets.
 * `gridIds` of the selection must already be expanded to the leaf grids; empty means all given.
 */
export function selectTargets(
  selection: CampaignSelection,
  households: readonly HouseholdLike[],
  buildings: readonly BuildingLike[],
): SelectedTarget[] {
  const grids = new Set(selection.gridIds.map((g) => g.toLowerCase()))
  const inGrid = (gridId: string) => !grids.size || grids.has(gridId.toLowerCase())
  const compounds = new Set(selection.compounds.map((c) => c.trim()))
  const buildingIds = new Set(selection.buildingIds.map((b) => b.toLowerCase()))
  const byId = new Map(buildings.filter((b) => !b.deleted).map((b) => [b.id.toLowerCase(), b]))
  const buildingOk = (b: BuildingLike | undefined) =>
    (!compounds.size || (!!b && compounds.has(b.compound.trim()))) && (!buildingIds.size || (!!b && buildingIds.has(b.id.toLowerCase())))

  if (selection.kind === 'building') {
    const picked = [...byId.values()].filter((b) => inGrid(b.gridId) && buildingOk(b))
    return picked
      .map((b) => ({ gridId: b.gridId, kind: 'building' as const, householdId: null, buildingId: b.id, label: `${b.compound} ${b.name}`, sort: [b.compound, b.name, '', ''] }))
      .sort(walkCompare)
      .map(strip)
  }

  const tags = new Set<string>(selection.tags)
  const picked = households.filter((h) => {
    if (h.deleted || h.movedOutAt) return false
    if (!inGrid(h.gridId)) return false
    const b = h.buildingId ? byId.get(h.buildingId.toLowerCase()) : undefined
    if (!buildingOk(b)) return false
    if (tags.size && !h.tags.some((t) => tags.has(t)) && !h.members.some((m) => (m.status ?? 'present') === 'present' && m.tags.some((t) => tags.has(t)))) return false
    return true
  })
  return picked
    .map((h) => {
      const b = h.buildingId ? byId.get(h.buildingId.toLowerCase()) : undefined
      return {
        gridId: h.gridId,
        kind: 'household' as const,
        householdId: h.id,
        buildingId: h.buildingId ?? null,
        label: h.address,
        sort: [b?.compound ?? '', b?.name ?? '', h.unit ?? '', h.room ?? h.address],
      }
    })
    .sort(walkCompare)
    .map(strip)
}

function walkCompare(a: { sort: string[] }, b: { sort: string[] }): number {
  for (let i = 0; i < a.sort.length; i++) {
    const c = naturalCompare(a.sort[i]!, b.sort[i]!)
    if (c) return c
  }
  return 0
}
function strip<T extends { sort: string[] }>({ sort: _sort, ...rest }: T): Omit<T, 'sort'> {
  return rest
}

// ---------------------------------------------------------------------------------------------
// Progress

export type TargetState = 'done' | 'not_home' | 'refused' | 'not_yet'
export const TARGET_STATES: readonly TargetState[] = ['done', 'not_home', 'refused', 'not_yet']

/** What progress needs of a campaign answer (a visit). */
export interface CampaignAnswer {
  campaignTargetId?: string | null
  outcome: 'met' | 'absent' | 'refused'
  workerId: string
  hlc: string
  deleted?: boolean
}

/**
 * A target's state from its answers: done once anyone met it (a later 不在家 does not undo
 * that); otherwise the latest answer's outcome (by HLC); no answer: not yet.
 */
export function targetState(answers: readonly CampaignAnswer[]): TargetState {
  let latest: CampaignAnswer | null = null
  for (const a of answers) {
    if (a.deleted) continue
    if (a.outcome === 'met') return 'done'
    if (!latest || a.hlc > latest.hlc) latest = a
  }
  if (!latest) return 'not_yet'
  return latest.outcome === 'refused' ? 'refused' : 'not_home'
}

export interface ProgressCounts {
  total: number
  done: number
  not_home: number
  refused: number
  not_yet: number
  /** Done share, whole percent rounded down (so 100% means all done). */
  percent: number
}

export function emptyCounts(): ProgressCounts {
  return { total: 0, done: 0, not_home: 0, refused: 0, not_yet: 0, percent: 0 }
}

export function percentOf(part: number, total: number): number {
  return total ? Math.floor((part * 100) / total) : 0
}

function finish(c: ProgressCounts): ProgressCounts {
  c.percent = percentOf(c.done, c.total)
  return c
}

export interface CampaignProgress {
  overall: ProgressCounts
  /** Per grid, in the order of `gridOrder` (else by id). */
  grids: Array<{ gridId: string } & ProgressCounts>
  /**
   * Per worker: the targets of the grids they are assigned to. Sorted by the order given
   * (names), never by their figures — no rankings of people (DESIGN §8.5).
   */
  workers: Array<{ workerId: string } & ProgressCounts>
  stateOf: Map<string, TargetState>
}

export function campaignProgress(
  targets: readonly Pick<CampaignTarget, 'id' | 'gridId' | 'deleted'>[],
  answers: readonly CampaignAnswer[],
  opts: { gridWorkers?: ReadonlyMap<string, readonly string[]>; gridOrder?: readonly string[]; workerOrder?: readonly string[] } = {},
): CampaignProgress {
  const byTarget = new Map<string, CampaignAnswer[]>()
  for (const a of answers) {
    if (!a.campaignTargetId) continue
    const list = byTarget.get(a.campaignTargetId)
    if (list) list.push(a)
    else byTarget.set(a.campaignTargetId, [a])
  }
  const grids = new Map<string, ProgressCounts>()
  const stateOf = new Map<string, TargetState>()
  for (const t of targets) {
    if (t.deleted) continue
    const s = targetState(byTarget.get(t.id) ?? [])
    stateOf.set(t.id, s)
    let g = grids.get(t.gridId)
    if (!g) grids.set(t.gridId, (g = emptyCounts()))
    g.total++
    g[s]++
  }
  return { ...progressOfCounts(grids, opts), stateOf }
}

/**
 * Progress from counts per grid already made (the server counts targets by grid and state in
 * SQL): the overall counts, the grid rows and the worker rows, as campaignProgress makes them.
 */
export function progressOfCounts(
  gridCounts: ReadonlyMap<string, Omit<ProgressCounts, 'percent'>>,
  opts: { gridWorkers?: ReadonlyMap<string, readonly string[]>; gridOrder?: readonly string[]; workerOrder?: readonly string[] } = {},
): Omit<CampaignProgress, 'stateOf'> {
  const add = (into: ProgressCounts, from: Omit<ProgressCounts, 'percent'>) => {
    for (const k of ['total', ...TARGET_STATES] as const) into[k] += from[k]
  }
  const overall = emptyCounts()
  const grids = new Map<string, ProgressCounts>()
  for (const [gridId, c] of gridCounts) {
    const g = emptyCounts()
    add(g, c)
    grids.set(gridId, g)
    add(overall, c)
  }
  const workers = new Map<string, ProgressCounts>()
  for (const [gridId, ids] of opts.gridWorkers ?? []) {
    const g = grids.get(gridId)
    if (!g) continue
    for (const w of ids) {
      let c = workers.get(w)
      if (!c) workers.set(w, (c = emptyCounts()))
      add(c, g)
    }
  }
  const ordered = <T>(m: Map<string, T>, order: readonly string[] | undefined) => {
    const keys = [...m.keys()]
    const pos = new Map((order ?? []).map((k, i) => [k, i]))
    return keys.sort((a, b) => (pos.get(a) ?? Infinity) - (pos.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0))
  }
  return {
    overall: finish(overall),
    grids: ordered(grids, opts.gridOrder).map((gridId) => ({ gridId, ...finish(grids.get(gridId)!) })),
    workers: ordered(workers, opts.workerOrder).map((workerId) => ({ workerId, ...finish(workers.get(workerId)!) })),
  }
}

// ---------------------------------------------------------------------------------------------
// Deadline

export type DeadlineState = 'draft' | 'not_started' | 'open' | 'due_soon' | 'overdue' | 'closed'

/** Where a campaign stands in time; due soon = less than a day left. */
export function deadlineState(c: Pick<Campaign, 'status' | 'startAt' | 'deadlineAt'>, now: number): DeadlineState {
  if (c.status === 'draft') return 'draft'
  if (c.status === 'closed') return 'closed'
  if (now < c.startAt) return 'not_started'
  if (now > c.deadlineAt) return 'overdue'
  if (c.deadlineAt - now <= DUE_SOON_MS) return 'due_soon'
  return 'open'
}

/** Whole days left (rounded up), 0 on the last day, negative when overdue. */
export function daysLeft(deadlineAt: number, now: number): number {
  return Math.ceil((deadlineAt - now) / (24 * 60 * 60 * 1000))
}

// ---------------------------------------------------------------------------------------------
// Who may do what

export interface CampaignActor {
  role: 'worker' | 'supervisor' | 'admin'
  /** Admin: every community. */
  all: boolean
  communityIds: ReadonlySet<string>
}

/** Create, edit a draft, publish, remind, close: an admin anywhere; a supervisor in their own community; a worker never. */
export function canManageCampaign(actor: CampaignActor, communityId: string): boolean {
  if (actor.all || actor.role === 'admin') return true
  return actor.role === 'supervisor' && actor.communityIds.has(communityId.toLowerCase())
}

export type CampaignAction = 'edit' | 'publish' | 'remind' | 'close'

export type CampaignProblemCode =
  | 'forbidden'
  | 'title_empty'
  | 'no_items'
  | 'deadline_before_start'
  | 'deadline_past'
  | 'no_targets'
  | 'too_many_targets'
  | 'not_draft'
  | 'not_published'

const PROBLEM_TEXT: Record<CampaignProblemCode, { zh: string; en: string }> = {
  forbidden: { zh: '只有本社区的管理员或督导可以管理专项排查', en: 'Only an admin or a supervisor of the community may manage campaigns' },
  title_empty: { zh: '请填写专项排查的标题', en: 'Give the campaign a title' },
  no_items: { zh: '检查表至少要有一项', en: 'The checklist needs at least one item' },
  deadline_before_start: { zh: '截止时间要晚于开始时间', en: 'The deadline must be after the start' },
  deadline_past: { zh: '截止时间已过，请重新设置', en: 'The deadline has passed; set a new one' },
  no_targets: { zh: '没有选中任何对象，请调整范围', en: 'The selection reaches no targets' },
  too_many_targets: { zh: `对象超过 ${CAMPAIGN_TARGETS_MAX} 个，请缩小范围`, en: `More than ${CAMPAIGN_TARGETS_MAX} targets; narrow the selection` },
  not_draft: { zh: '已发布的专项排查不能再修改', en: 'A published campaign cannot be edited' },
  not_published: { zh: '专项排查未在进行中', en: 'The campaign is not running' },
}

export function campaignProblemText(code: CampaignProblemCode, locale: 'zh' | 'en' = 'zh'): string {
  return PROBLEM_TEXT[code][locale]
}

/** Why an action is not allowed now (null: allowed). `targetCount` matters for publish only. */
export function campaignActionProblem(
  actor: CampaignActor,
  campaign: Pick<Campaign, 'communityId' | 'status' | 'title' | 'items' | 'startAt' | 'deadlineAt'>,
  action: CampaignAction,
  ctx: { now: number; targetCount?: number } = { now: Date.now() },
): CampaignProblemCode | null {
  if (!canManageCampaign(actor, campaign.communityId)) return 'forbidden'
  if (action === 'edit') return campaign.status === 'draft' ? null : 'not_draft'
  if (action === 'publish') {
    if (campaign.status !== 'draft') return 'not_draft'
    return draftProblems(campaign, ctx.now)[0] ?? (ctx.targetCount === 0 ? 'no_targets' : (ctx.targetCount ?? 0) > CAMPAIGN_TARGETS_MAX ? 'too_many_targets' : null)
  }
  return campaign.status === 'published' ? null : 'not_published'
}

/** Problems of a draft's own fields, in form order. */
export function draftProblems(c: Pick<Campaign, 'title' | 'items' | 'startAt' | 'deadlineAt'>, now: number): CampaignProblemCode[] {
  const out: CampaignProblemCode[] = []
  if (!c.title.trim()) out.push('title_empty')
  if (!c.items.length) out.push('no_items')
  if (c.deadlineAt <= c.startAt) out.push('deadline_before_start')
  else if (c.deadlineAt <= now) out.push('deadline_past')
  return out
}

// ---------------------------------------------------------------------------------------------
// Answers of a closed campaign

/**
 * Whether a phone offers answering: while the campaign runs. A closed one shows its results only
 * (an answer made offline before the phone learnt of the close still goes: judgeCampaignAnswer).
 */
export function canAnswer(c: Pick<Campaign, 'status' | 'deleted'>): boolean {
  return !c.deleted && c.status === 'published'
}

export type AnswerVerdict = { ok: true } | { ok: false; reason: 'campaign_draft' | 'campaign_closed' | 'campaign_deleted'; message: string }

/**
 * Whether a campaign answer is accepted. A published campaign takes every answer. A closed one
 * takes an answer made before the close — by its HLC stamp, the time it was made on the phone,
 * because offline phones push late. The phone's clock may run up to MAX_FUTURE_DRIFT_MS ahead
 * of the server's (the bound the server already enforces on every stamp, DESIGN §4), so a stamp
 * up to that much after the close still counts as "before" it: losing a real answer is worse
 * than taking one made a few minutes late.
 */
export function judgeCampaignAnswer(campaign: Pick<Campaign, 'status' | 'closedAt' | 'deleted'>, answerHlc: string): AnswerVerdict {
  if (campaign.deleted) return { ok: false, reason: 'campaign_deleted', message: '专项排查已删除' }
  if (campaign.status === 'draft') return { ok: false, reason: 'campaign_draft', message: '专项排查尚未发布' }
  if (campaign.status === 'published') return { ok: true }
  const closedAt = campaign.closedAt ?? 0
  if (parseHlc(answerHlc).wall <= closedAt + MAX_FUTURE_DRIFT_MS) return { ok: true }
  return { ok: false, reason: 'campaign_closed', message: '专项排查已关闭，关闭后的记录不再接收' }
}
