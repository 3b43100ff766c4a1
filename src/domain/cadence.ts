/**
 * Visit cadence (走访频次) and the due-visit state of a household, the same on phone and server.
 *
 * - A household's cadence is its own `cadenceDays` when set; otherwise the strictest (shortest)
 *   cadence of its tags and its members' tags (独居老人 weekly, 空巢老人 every two weeks, 低保户
 *   monthly …, see HOUSEHOLD_TAGS); otherwise quarterly.
 * - Which visits count: a door visit (入户) always; a phone call (电话, the "五个一" daily call)
 *   only when no tag of the household asks for someone to be seen at the door (独居老人: a call
 *   does not replace a visit). Every outcome counts — the worker knocked and recorded what was
 *   found; a 不在家 is followed up with the follow-up flag, not by keeping the household due.
 * - A "day" is a calendar day in the community's time zone; a household is due on the day one
 *   cadence after its last counting visit (or after the day it was recorded, if never visited),
 *   and overdue from the day after.
 */
import { HOUSEHOLD_TAGS, DEFAULT_TIME_ZONE, type HouseholdTag } from './constants'
import type { Household, Visit } from './entities'
import { uuidv7Time } from './ids'
import { dayNumber, weekStartDay } from './calendar'

export const QUARTERLY_DAYS = 90

/** Tags whose households must be seen at the door: a phone call does not count for them. */
export const DOOR_ONLY_TAGS: readonly HouseholdTag[] = ['living_alone_elder']

/** The cadence each tag asks for (tags without one are left out). The console's SQL takes it as parameters. */
export const TAG_CADENCE: ReadonlyMap<string, number> = new Map<string, number>(
  HOUSEHOLD_TAGS.flatMap((t) => ('cadenceDays' in t ? [[t.code, t.cadenceDays] as [string, number]] : [])),
)

export type CadenceHousehold = Pick<Household, 'id' | 'tags' | 'cadenceDays'> & {
  members?: ReadonlyArray<Pick<Household['members'][number], 'tags' | 'status'>>
}
export type CadenceVisit = Pick<Visit, 'householdId' | 'startedAt' | 'channel' | 'deleted'>

/** Every tag of the household: its own and those of members still living there. */
export function allTags(h: CadenceHousehold): Set<string> {
  const tags = new Set<string>(h.tags)
  for (const m of h.members ?? []) if (!m.status || m.status === 'present') for (const t of m.tags) tags.add(t)
  return tags
}

const DOOR_ONLY = new Set<string>(DOOR_ONLY_TAGS)

/** The household's cadence and whether it must be seen at the door, in one pass over its tags
 * (called for every household on each change of the due list: no sets, no arrays made). */
interface TagFacts {
  cadenceDays: number
  doorOnly: boolean
}
/** Records read from the database are never changed in place (an edit is a new object), so the
 * facts of a household object are worked out once, not on every change of the visits. */
const factsCache = new WeakMap<object, TagFacts>()

function tagFacts(h: CadenceHousehold): TagFacts {
  let facts = factsCache.get(h)
  if (!facts) factsCache.set(h, (facts = computeTagFacts(h)))
  return facts
}

function computeTagFacts(h: CadenceHousehold): TagFacts {
  let best = QUARTERLY_DAYS
  let doorOnly = false
  const scan = (tags: readonly string[]) => {
    for (const t of tags) {
      const c = TAG_CADENCE.get(t)
      if (c !== undefined && c < best) best = c
      if (DOOR_ONLY.has(t)) doorOnly = true
    }
  }
  scan(h.tags)
  for (const m of h.members ?? []) if (!m.status || m.status === 'present') scan(m.tags)
  return { cadenceDays: h.cadenceDays || best, doorOnly }
}

/** Days between visits the household asks for: its override, else the strictest tag, else 90. */
export function cadenceDaysOf(h: CadenceHousehold): number {
  return tagFacts(h).cadenceDays
}

export function requiresDoorVisit(h: CadenceHousehold): boolean {
  return tagFacts(h).doorOnly
}

function counts(doorOnly: boolean, v: CadenceVisit): boolean {
  return !v.deleted && (doorOnly ? (v.channel ?? 'door') === 'door' : true)
}

/** Does this visit count for the household's cadence? (channel absent = door, DESIGN §3) */
export function visitCounts(h: CadenceHousehold, v: CadenceVisit): boolean {
  return counts(requiresDoorVisit(h), v)
}

// Calendar days in the community's time zone: src/domain/calendar.ts (re-exported for callers
// that think in cadences).
export { dayNumber, dayStartMs, weekStartDay } from './calendar'

export type DueStatus = 'overdue' | 'due' | 'upcoming'

export interface DueState {
  cadenceDays: number
  /** Day (dayNumber) of the last counting visit, null when never visited. */
  lastVisitDay: number | null
  lastVisitAt: number | null
  /** Day the next visit is due. */
  dueDay: number
  status: DueStatus
  /** Days past the due day (0 when due today or later). */
  overdueDays: number
}

/**
 * The due state of a household on `today` (a dayNumber), from its visits (any order; visits of
 * other households and non-counting ones are ignored).
 */
export function dueState(h: CadenceHousehold, visits: readonly CadenceVisit[], today: number, timeZone: string = DEFAULT_TIME_ZONE): DueState {
  const { cadenceDays, doorOnly } = tagFacts(h)
  let lastAt: number | null = null
  for (const v of visits) {
    if (v.householdId !== h.id || !counts(doorOnly, v)) continue
    if (lastAt === null || v.startedAt > lastAt) lastAt = v.startedAt
  }
  const lastVisitDay = lastAt === null ? null : dayNumber(lastAt, timeZone)
  // Never visited: the clock starts on the day the household was recorded (its UUIDv7 time).
  const from = lastVisitDay ?? recordedDay(h, timeZone)
  const dueDay = from + cadenceDays
  const status: DueStatus = today > dueDay ? 'overdue' : today === dueDay ? 'due' : 'upcoming'
  return { cadenceDays, lastVisitDay, lastVisitAt: lastAt, dueDay, status, overdueDays: Math.max(0, today - dueDay) }
}

const recordedCache = new WeakMap<object, { zone: string; day: number }>()
function recordedDay(h: CadenceHousehold, timeZone: string): number {
  const hit = recordedCache.get(h)
  if (hit && hit.zone === timeZone) return hit.day
  const day = dayNumber(safeIdTime(h.id), timeZone)
  recordedCache.set(h, { zone: timeZone, day })
  return day
}

function safeIdTime(id: string): number {
  const t = uuidv7Time(id)
  return Number.isFinite(t) ? t : 0
}

/** Due this week (本周应访): due on or before this week's Sunday, and not yet visited this week. */
export function dueThisWeek(state: DueState, today: number): boolean {
  const start = weekStartDay(today)
  return state.dueDay <= start + 6 && !visitedThisWeek(state, today)
}

/** Visited this week (本周已访): a counting visit on or after this week's Monday. */
export function visitedThisWeek(state: DueState, today: number): boolean {
  return state.lastVisitDay !== null && state.lastVisitDay >= weekStartDay(today)
}
