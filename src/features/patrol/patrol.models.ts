/**
 * Pure logic of the patrol tab (日日巡): the community's day, today's state per grid, the end
 * summary (coverage first), the issue a problem item suggests, how durations read.
 */
import { dayNumber, dayStartMs } from '@/domain/cadence'
import { ISSUE_CATEGORIES, type IssueCategory } from '@/domain/constants'
import type { Building, Checklist, ChecklistItem, Patrol, TrackPoint } from '@/domain/entities'
import { naturalSort } from '@/domain/naturalOrder'
import { coveredBuildingIds, findGaps, trackDistanceM, type TrackGap } from '@/domain/track'

/** UTC ms of 00:00 of the calendar day containing `now` in `timeZone` (the community calendar of src/domain). */
export function dayStart(now: number, timeZone: string): number {
  return dayStartMs(dayNumber(now, timeZone), timeZone)
}

/**
 * Whether a patrol started on the community day of `now`: from its 00:00 to the next day's, so a
 * record dated later (a phone whose clock was set back) is not today's either.
 */
function startedToday(startedAt: number, now: number, timeZone: string): boolean {
  const day = dayNumber(now, timeZone)
  return startedAt >= dayStartMs(day, timeZone) && startedAt < dayStartMs(day + 1, timeZone)
}

export type DayPatrolState = 'done' | 'running' | 'not_started'

export interface GridPatrolToday {
  gridId: string
  name: string
  state: DayPatrolState
  /**
   * Colleagues whose patrol makes the state (日日巡 is per grid): named so the worker knows the
   * grid was walked and by whom; empty when the worker's own patrol makes it, or none does.
   */
  by: string[]
}

type DayPatrol = Pick<Patrol, 'gridId' | 'workerId' | 'startedAt' | 'endedAt' | 'deleted'>

/**
 * 日日巡: for each grid, whether today's patrol is done (an ended one, by anyone of the grid),
 * running, or not started — and, when colleagues' patrols make it so, who walked it.
 */
export function todayPatrolStates(
  patrols: readonly DayPatrol[],
  grids: readonly { id: string; name: string }[],
  now: number,
  timeZone: string,
  me: string | null = null,
  nameOf: (userId: string) => string = () => '',
): GridPatrolToday[] {
  return grids.map((g) => {
    const today = patrols.filter((p) => !p.deleted && p.gridId === g.id && startedToday(p.startedAt, now, timeZone))
    const ended = today.filter((p) => p.endedAt !== null)
    const state: DayPatrolState = ended.length ? 'done' : today.length ? 'running' : 'not_started'
    const making = state === 'done' ? ended : today
    const by = making.some((p) => p.workerId === me) ? [] : [...new Set(making.map((p) => p.workerId))].map(nameOf)
    return { gridId: g.id, name: g.name, state, by }
  })
}

/** The worker's own patrols that ended today, newest first: each opens its 巡查小结 again. */
export function endedToday<P extends Pick<Patrol, 'id' | 'workerId' | 'startedAt' | 'endedAt' | 'deleted'>>(patrols: readonly P[], me: string, now: number, timeZone: string): P[] {
  return patrols.filter((p) => !p.deleted && p.workerId === me && p.endedAt !== null && startedToday(p.startedAt, now, timeZone)).sort((a, b) => b.startedAt - a.startedAt)
}

export interface BuildingsLeft {
  compound: string
  names: string[]
}

/**
 * While patrolling: the grid's buildings the track has not passed yet, by compound (小区), in
 * natural order (5号楼 before 15号楼) — where to go next, not a score.
 */
export function buildingsNotPassed(buildings: readonly Pick<Building, 'id' | 'compound' | 'name'>[], passed: ReadonlySet<string>): BuildingsLeft[] {
  const left = naturalSort(
    buildings.filter((b) => !passed.has(b.id)),
    (b) => b.name,
  )
  const byCompound = new Map<string, string[]>()
  for (const b of left) byCompound.set(b.compound, [...(byCompound.get(b.compound) ?? []), b.name])
  return naturalSort([...byCompound.keys()], (c) => c).map((compound) => ({ compound, names: byCompound.get(compound)! }))
}

export interface PatrolSummary {
  buildingsPassed: number
  buildingsTotal: number
  answered: number
  itemsTotal: number
  problems: number
  issuesReported: number
  durationMs: number
  distanceM: number
  pointCount: number
  gaps: TrackGap[]
}

/** What 结束巡查 shows, coverage first (DESIGN §8.5: coverage, not surveillance). */
export function patrolSummary(
  patrol: Pick<Patrol, 'startedAt' | 'endedAt' | 'answers'>,
  points: readonly TrackPoint[],
  buildings: readonly Pick<Building, 'id' | 'location'>[],
  checklist: Pick<Checklist, 'items'> | null,
  issuesReported: number,
  now: number,
): PatrolSummary {
  const itemIds = new Set(checklist?.items.map((i) => i.id) ?? patrol.answers.map((a) => a.itemId))
  const answers = patrol.answers.filter((a) => itemIds.has(a.itemId))
  return {
    buildingsPassed: coveredBuildingIds(points, buildings).length,
    buildingsTotal: buildings.length,
    answered: answers.length,
    itemsTotal: itemIds.size,
    problems: answers.filter((a) => a.status === 'problem').length,
    issuesReported,
    durationMs: Math.max(0, (patrol.endedAt ?? now) - patrol.startedAt),
    distanceM: trackDistanceM(points),
    pointCount: points.length,
    gaps: findGaps(points),
  }
}

/** The issue category a checklist item points to: its own id or its category's label, else 其他. */
export function categoryForItem(item: Pick<ChecklistItem, 'id' | 'category'>): IssueCategory {
  const byId = ISSUE_CATEGORIES.find((c) => c.code === item.id)
  if (byId) return byId.code
  const byLabel = ISSUE_CATEGORIES.find((c) => c.zh === item.category || item.category.includes(c.zh))
  return byLabel?.code ?? 'other'
}

// One rule for the phone and the console (src/ui/measure.ts).
export { formatDistance, formatDuration } from '@/ui/measure'
