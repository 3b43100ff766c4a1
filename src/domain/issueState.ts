/**
 * An issue's status is derived from its events (DESIGN §3): every step of 提、议、决、做、评 is an
 * immutable issueEvent written by a person. This module says which step may follow which and
 * folds events into a state; who may send each step lives beside it in issueRules.ts. The same
 * code runs on the phone (what to show, which buttons to offer) and on the server (push rejects
 * an event that does not fit the events accepted before it).
 *
 * Lifecycle:
 *
 *   reported ─assigned─▶ assigned ─accepted─▶ accepted ─resolved─▶ resolved ─rated─▶ rated ─closed─▶ closed
 *      │                 (re-dispatch with assigned while open; arrived and progress keep the status;
 *      │                  escalated raises the level and restarts the 7135 clock, status unchanged)
 *      └─accepted─▶ accepted      (接单 without 派单 / 认领 of a 微心愿: the claimer becomes the assignee)
 *   resolved / rated / closed ─reopened─▶ accepted (back to the assignee) or reported
 *   assigned / accepted ─reminded─▶ the same status (催办: a supervisor presses the assignee; it
 *      reaches the assignee's phone like every event and marks the issue until a new 派单)
 *
 * ORDER. Events are folded in the order the server accepted them, never in `at` order: `at` is
 * the time the person says it happened (shown in the timeline), and a clock set wrong — or a
 * back-dated event — must not rewrite history. The server stamps every event it accepts with
 * `acceptedSeq` (1, 2, … per issue), which every device receives with the record. So:
 *   1. events without `acceptedSeq` that are not pending: stored before sequencing existed (or
 *      seeded), by (at, hlc, id) — they were all accepted before any sequenced one;
 *   2. accepted events, by `acceptedSeq`;
 *   3. on the phone, its own events the server has not sequenced yet, in the device's HLC order.
 */
import type { Issue, IssueEvent } from './entities'

export type IssueStatus = 'reported' | 'assigned' | 'accepted' | 'resolved' | 'rated' | 'closed'
export type IssueEventType = IssueEvent['type']
export type IssueLevelCode = Issue['level']

export const ISSUE_EVENT_TYPES: readonly IssueEventType[] = [
  'reported', 'assigned', 'accepted', 'arrived', 'progress', 'escalated', 'resolved', 'rated', 'reopened', 'closed', 'reminded',
]
export const OPEN_STATUSES: readonly IssueStatus[] = ['reported', 'assigned', 'accepted']
export const LEVEL_ORDER: readonly IssueLevelCode[] = ['micro', 'grid', 'street']

/** From which statuses each event may be recorded (`none`: before the issue is reported). */
export const ALLOWED_FROM: Record<IssueEventType, readonly (IssueStatus | 'none')[]> = {
  reported: ['none'],
  assigned: ['reported', 'assigned', 'accepted'],
  accepted: ['reported', 'assigned'],
  arrived: ['assigned', 'accepted'],
  progress: ['reported', 'assigned', 'accepted'],
  escalated: ['reported', 'assigned', 'accepted'],
  resolved: ['accepted'],
  rated: ['resolved'],
  closed: ['rated'],
  reopened: ['resolved', 'rated', 'closed'],
  // Only while someone holds the issue: there is nobody to press before 派单, nothing after 办结.
  reminded: ['assigned', 'accepted'],
}

export interface IssueState {
  /** `none`: no `reported` event yet. */
  status: IssueStatus | 'none'
  assigneeId: string | null
  /** Who recorded the acceptance (接单 / 认领) that holds the issue now. */
  acceptedBy: string | null
  /** A 微心愿 claimed for a named volunteer (not a user). */
  claimant: { name: string; phone: string } | null
  /** Highest level reached by escalations; null while none. */
  level: IssueLevelCode | null
  escalated: boolean
  /** `at` of the last escalation: the 7135 clock restarts there. */
  escalatedAt: number | null
  reportedAt: number | null
  assignedAt: number | null
  acceptedAt: number | null
  arrivedAt: number | null
  resolvedAt: number | null
  ratedAt: number | null
  closedAt: number | null
  rating: number | null
  reopenCount: number
  /** `at` of the last 催办 since the issue was handed to its assignee (a new 派单 clears it). */
  remindedAt: number | null
  /** 催办 since then. */
  remindCount: number
  /** Events folded into this state (events that do not fit are skipped, see deriveIssueState). */
  eventCount: number
}

/** The part of an event the rules look at. */
export type IssueEventLike = Pick<IssueEvent, 'id' | 'type' | 'actorId' | 'at' | 'hlc' | 'data'> & {
  acceptedSeq?: number
  deleted?: boolean
  /** On the phone: written here and not yet sequenced by the server (sorts last). */
  pending?: boolean
}

export function emptyIssueState(): IssueState {
  return {
    status: 'none', assigneeId: null, acceptedBy: null, claimant: null, level: null, escalated: false, escalatedAt: null,
    reportedAt: null, assignedAt: null, acceptedAt: null, arrivedAt: null, resolvedAt: null, ratedAt: null,
    closedAt: null, rating: null, reopenCount: 0, remindedAt: null, remindCount: 0, eventCount: 0,
  }
}

const byTime = (a: IssueEventLike, b: IssueEventLike): number =>
  a.at !== b.at ? a.at - b.at : a.hlc !== b.hlc ? (a.hlc < b.hlc ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
const byHlc = (a: IssueEventLike, b: IssueEventLike): number =>
  a.hlc !== b.hlc ? (a.hlc < b.hlc ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

function group(e: IssueEventLike): 0 | 1 | 2 {
  if (typeof e.acceptedSeq === 'number') return 1
  return e.pending ? 2 : 0
}

/** Compare two events in history order (see ORDER at the top). */
export function compareIssueEvents(a: IssueEventLike, b: IssueEventLike): number {
  const ga = group(a)
  const gb = group(b)
  if (ga !== gb) return ga - gb
  if (ga === 1) return a.acceptedSeq! - b.acceptedSeq! || byHlc(a, b)
  return ga === 0 ? byTime(a, b) : byHlc(a, b)
}

/** Events in history order, tombstones left out. */
export function orderIssueEvents<E extends IssueEventLike>(events: readonly E[]): E[] {
  return events.filter((e) => !e.deleted).sort(compareIssueEvents)
}

/** The `acceptedSeq` the server gives the next event it accepts for an issue with these events. */
export function nextAcceptedSeq(events: readonly IssueEventLike[]): number {
  let max = 0
  let unsequenced = 0
  for (const e of events) {
    if (typeof e.acceptedSeq === 'number') max = Math.max(max, e.acceptedSeq)
    else unsequenced++
  }
  // Older unsequenced events took the first places.
  return Math.max(max, unsequenced) + 1
}

/**
 * Does `event` fit the state (status and data only; who sends it is issueRules' question)?
 * Returns null or the problem as an English sentence; issueRules turns it into a coded rejection.
 */
export function checkTransition(
  state: IssueState,
  event: Pick<IssueEventLike, 'type' | 'data'>,
  issueLevel: IssueLevelCode | null = null,
): { kind: 'state' | 'data' | 'taken'; reason: string } | null {
  const s = state.status
  if (!ALLOWED_FROM[event.type].includes(s)) {
    if (event.type === 'accepted' && s === 'accepted') return { kind: 'taken', reason: 'the issue has already been accepted' }
    if (event.type === 'reported') return { kind: 'state', reason: 'the issue is already reported; "reported" must be its first event' }
    const allowed = ALLOWED_FROM[event.type].join(', ')
    return { kind: 'state', reason: `cannot record "${event.type}" while the issue is ${s === 'none' ? 'not yet reported' : s}; allowed after: ${allowed}` }
  }
  const d = event.data
  switch (event.type) {
    case 'assigned':
      return d.assigneeId ? null : { kind: 'data', reason: 'an "assigned" event needs data.assigneeId' }
    case 'arrived':
      return state.arrivedAt === null ? null : { kind: 'state', reason: 'arrival is already recorded' }
    case 'progress':
    case 'resolved':
      return d.note?.trim() || d.photoIds?.length ? null : { kind: 'data', reason: `a "${event.type}" event needs a note or a photo` }
    case 'rated':
      return d.rating === undefined ? { kind: 'data', reason: 'a "rated" event needs data.rating (1-5)' } : null
    case 'escalated': {
      const from = effectiveLevel(state, issueLevel)
      if (from === 'street' && !d.level) return { kind: 'state', reason: 'a street-level issue cannot be escalated further' }
      if (d.level && from && LEVEL_ORDER.indexOf(d.level) <= LEVEL_ORDER.indexOf(from)) {
        return { kind: 'data', reason: `escalation must go to a higher level than ${from}` }
      }
      return null
    }
    default:
      return null
  }
}

/** The level the issue stands at: its own, or the highest an escalation raised it to. */
export function effectiveLevel(state: IssueState, issueLevel: IssueLevelCode | null): IssueLevelCode | null {
  if (!state.level) return issueLevel
  if (!issueLevel) return state.level
  return LEVEL_ORDER.indexOf(state.level) >= LEVEL_ORDER.indexOf(issueLevel) ? state.level : issueLevel
}

/** The state after one event that checkTransition allowed (`issueLevel`: the issue's own level). */
export function applyIssueEvent(state: IssueState, event: IssueEventLike, issueLevel: IssueLevelCode | null = null): IssueState {
  const next: IssueState = { ...state, eventCount: state.eventCount + 1 }
  switch (event.type) {
    case 'reported':
      next.status = 'reported'
      next.reportedAt = event.at
      break
    case 'assigned':
      next.status = 'assigned'
      next.assigneeId = event.data.assigneeId ?? null
      next.assignedAt = event.at
      next.acceptedAt = null
      next.acceptedBy = null
      next.arrivedAt = null
      next.claimant = null
      // A reminder pressed the previous holder, not the new one.
      next.remindedAt = null
      next.remindCount = 0
      break
    case 'accepted':
      // Claiming an unassigned issue (or wish) makes the claimer its assignee.
      if (state.status === 'reported') next.assigneeId = event.actorId
      next.status = 'accepted'
      next.acceptedAt = event.at
      next.acceptedBy = event.actorId
      next.claimant = event.data.claimant ?? null
      break
    case 'arrived':
      if (state.status === 'assigned') {
        next.acceptedAt = event.at
        next.acceptedBy = event.actorId
      }
      next.status = 'accepted'
      next.arrivedAt = event.at
      break
    case 'progress':
      break
    case 'escalated': {
      const from = effectiveLevel(state, issueLevel)
      next.level = event.data.level ?? (from ? LEVEL_ORDER[Math.min(LEVEL_ORDER.indexOf(from) + 1, 2)] : null)
      next.escalated = true
      next.escalatedAt = event.at
      break
    }
    case 'resolved':
      next.status = 'resolved'
      next.resolvedAt = event.at
      break
    case 'rated':
      next.status = 'rated'
      next.rating = event.data.rating ?? null
      next.ratedAt = event.at
      break
    case 'closed':
      next.status = 'closed'
      next.closedAt = event.at
      break
    case 'reminded':
      next.remindedAt = event.at
      next.remindCount += 1
      break
    case 'reopened':
      next.status = next.assigneeId ? 'accepted' : 'reported'
      next.reopenCount += 1
      next.resolvedAt = null
      next.ratedAt = null
      next.closedAt = null
      next.rating = null
      break
  }
  return next
}

/**
 * The state after a list of events (any order: they are put in history order first). An event
 * that does not fit the state before it is skipped rather than thrown: the phone may hold local
 * events the server will still judge (and refuse).
 */
export function deriveIssueState(events: readonly IssueEventLike[], issueLevel: IssueLevelCode | null = null): IssueState {
  let state = emptyIssueState()
  for (const event of orderIssueEvents(events)) {
    if (checkTransition(state, event, issueLevel) === null) state = applyIssueEvent(state, event, issueLevel)
  }
  return state
}

/** Which events of the list were folded into the state (false: skipped as not fitting). */
export function foldedEvents<E extends IssueEventLike>(events: readonly E[], issueLevel: IssueLevelCode | null = null): { event: E; fits: boolean }[] {
  let state = emptyIssueState()
  return orderIssueEvents(events).map((event) => {
    const fits = checkTransition(state, event, issueLevel) === null
    if (fits) state = applyIssueEvent(state, event, issueLevel)
    return { event, fits }
  })
}

export const isOpen = (s: IssueState['status']): boolean => s === 'reported' || s === 'assigned' || s === 'accepted'

// Kept importable from here for callers written before the rules moved to issueRules.ts.
export { checkIssueEvent, type IssueActor } from './issueRules'
