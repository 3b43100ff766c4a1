/**
 * An issue's status is derived from its events (DESIGN §3): every step of 提、议、决、做、评 is an
 * immutable issueEvent written by a person, and this module is the one place that says which
 * step may follow which. The same code runs on the phone (what to show, which buttons to offer)
 * and on the server (push rejects an event that does not fit the events before it).
 *
 * Lifecycle:
 *
 *   reported ─assigned─▶ assigned ─accepted─▶ accepted ─resolved─▶ resolved ─rated─▶ rated ─closed─▶ closed
 *      │  ▲                 (arrived / progress keep the issue where it is; arrived also accepts)
 *      │  └──── escalated (from any open status: back to dispatch, at a higher level)
 *      └─accepted─▶ accepted      (claiming: 接单 of a resident's request, 认领 of a 微心愿)
 *   resolved / rated / closed ─reopened─▶ assigned (when someone held it) or reported
 *
 * A wish (微心愿) uses the same steps: claim = `accepted` straight from `reported` (the claimer
 * becomes the assignee), fulfil = `resolved`, then `rated` and `closed` like any issue.
 *
 * Events are ordered by (at, hlc, id): the moment the person did it, then the device clock, so
 * every device sorts the same events the same way.
 */
import type { Issue, IssueEvent, Role } from './entities'

export type IssueStatus = 'reported' | 'assigned' | 'accepted' | 'resolved' | 'rated' | 'closed'
export type IssueLevelCode = Issue['level']

export const OPEN_STATUSES: readonly IssueStatus[] = ['reported', 'assigned', 'accepted']

export interface IssueState {
  /** `none`: no `reported` event yet. */
  status: IssueStatus | 'none'
  assigneeId: string | null
  /** Level after escalations; null while the issue's own level stands. */
  level: IssueLevelCode | null
  escalated: boolean
  reportedAt: number | null
  assignedAt: number | null
  acceptedAt: number | null
  arrivedAt: number | null
  resolvedAt: number | null
  closedAt: number | null
  rating: number | null
  reopenCount: number
  /** Events that made this state, in order (invalid ones are skipped, see deriveIssueState). */
  eventCount: number
}

/** The part of an event the rules look at. */
export type IssueEventLike = Pick<IssueEvent, 'id' | 'type' | 'actorId' | 'at' | 'hlc' | 'data'> & { deleted?: boolean }

/** Who writes the event, when the caller knows (the server always does). */
export interface IssueActor {
  id: string
  role: Role
}

const LEVEL_ORDER: readonly IssueLevelCode[] = ['micro', 'grid', 'street']

export function emptyIssueState(): IssueState {
  return {
    status: 'none',
    assigneeId: null,
    level: null,
    escalated: false,
    reportedAt: null,
    assignedAt: null,
    acceptedAt: null,
    arrivedAt: null,
    resolvedAt: null,
    closedAt: null,
    rating: null,
    reopenCount: 0,
    eventCount: 0,
  }
}

/** Sort events the way every device does: by (at, hlc, id). */
export function compareIssueEvents(a: IssueEventLike, b: IssueEventLike): number {
  if (a.at !== b.at) return a.at - b.at
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * The state after a list of events (any order). An event that does not fit the state before it
 * is skipped rather than thrown: the phone may hold local events the server will still judge.
 * `issueLevel` is the issue's own level: an escalation without `data.level` goes one above it.
 */
export function deriveIssueState(events: readonly IssueEventLike[], issueLevel: IssueLevelCode | null = null): IssueState {
  let state = emptyIssueState()
  for (const event of [...events].filter((e) => !e.deleted).sort(compareIssueEvents)) {
    if (checkTransition(state, event, null, issueLevel) === null) state = applyIssueEvent(state, event, issueLevel)
  }
  return state
}

/**
 * May `event` be added to an issue whose stored events are `existing`? It is judged against the
 * state derived from the events that sort before it. Returns null when allowed, else a reason a
 * person can read.
 */
export function checkIssueEvent(
  existing: readonly IssueEventLike[],
  event: IssueEventLike,
  actor: IssueActor | null = null,
  issueLevel: IssueLevelCode | null = null,
): string | null {
  const before = existing.filter((e) => e.id !== event.id && compareIssueEvents(e, event) < 0)
  const state = deriveIssueState(before, issueLevel)
  return checkTransition(state, event, actor, issueLevel)
}

/** Which event types may come next (for buttons on the phone). */
export function allowedNextEvents(
  state: IssueState,
  actor: IssueActor | null = null,
  issueLevel: IssueLevelCode | null = null,
): IssueEvent['type'][] {
  const types: IssueEvent['type'][] = [
    'reported', 'assigned', 'accepted', 'arrived', 'progress', 'escalated', 'resolved', 'rated', 'reopened', 'closed',
  ]
  const probe = (type: IssueEvent['type']): IssueEventLike => ({
    id: '',
    type,
    actorId: actor?.id ?? '',
    at: Number.MAX_SAFE_INTEGER,
    hlc: '',
    data: { assigneeId: actor?.id, rating: 5 },
  })
  return types.filter((t) => checkTransition(state, probe(t), actor, issueLevel) === null)
}

/** Is the transition allowed from `state`? null or the reason it is not. */
export function checkTransition(
  state: IssueState,
  event: IssueEventLike,
  actor: IssueActor | null,
  issueLevel: IssueLevelCode | null = null,
): string | null {
  const s = state.status
  const open = s === 'reported' || s === 'assigned' || s === 'accepted'
  const supervising = actor !== null && (actor.role === 'supervisor' || actor.role === 'admin')
  const isAssigneeOrSupervisor = actor === null || supervising || state.assigneeId === null || state.assigneeId === actor.id
  const wrongStep = (allowed: string) => `cannot record "${event.type}" while the issue is ${s === 'none' ? 'not yet reported' : s}; allowed after: ${allowed}`

  switch (event.type) {
    case 'reported':
      return s === 'none' ? null : 'the issue is already reported; "reported" must be its first event'
    case 'assigned':
      if (!open) return wrongStep('reported, assigned, accepted')
      if (!event.data.assigneeId) return 'an "assigned" event needs data.assigneeId'
      if (actor && !supervising) return 'only a supervisor can dispatch (assign) an issue'
      return null
    case 'accepted':
      if (s !== 'reported' && s !== 'assigned') return wrongStep('reported (claim), assigned')
      if (s === 'assigned' && !isAssigneeOrSupervisor) return 'only the assignee can accept this issue'
      return null
    case 'arrived':
    case 'progress':
      if (!open) return wrongStep('reported, assigned, accepted')
      if (event.type === 'arrived' && s === 'reported') return wrongStep('assigned, accepted')
      return null
    case 'escalated': {
      if (!open) return wrongStep('reported, assigned, accepted')
      const from = state.level ?? issueLevel
      const to = event.data.level
      if (to && from && LEVEL_ORDER.indexOf(to) <= LEVEL_ORDER.indexOf(from)) {
        return `escalation must go to a higher level than ${from}`
      }
      if (!to && from === 'street') return 'a street-level issue cannot be escalated further'
      return null
    }
    case 'resolved':
      if (s !== 'assigned' && s !== 'accepted') return wrongStep('assigned, accepted')
      if (!isAssigneeOrSupervisor) return 'only the assignee or a supervisor can resolve this issue'
      return null
    case 'rated':
      if (s !== 'resolved') return wrongStep('resolved')
      if (event.data.rating === undefined) return 'a "rated" event needs data.rating (1–5)'
      return null
    case 'closed':
      if (s !== 'rated') return wrongStep('rated (the resident’s satisfaction rating comes before closing)')
      if (actor && !supervising) return 'only a supervisor can close (销号) an issue'
      return null
    case 'reopened':
      if (s !== 'resolved' && s !== 'rated' && s !== 'closed') return wrongStep('resolved, rated, closed')
      return null
  }
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
      break
    case 'accepted':
      // Claiming an unassigned issue (or wish) makes the claimer its assignee.
      if (state.status === 'reported' || !next.assigneeId) next.assigneeId = event.actorId
      next.status = 'accepted'
      next.acceptedAt = event.at
      break
    case 'arrived':
      next.status = 'accepted'
      next.acceptedAt = state.acceptedAt ?? event.at
      next.arrivedAt = state.arrivedAt ?? event.at
      break
    case 'progress':
      break
    case 'escalated': {
      const from = state.level ?? issueLevel
      next.level = event.data.level ?? (from ? LEVEL_ORDER[Math.min(LEVEL_ORDER.indexOf(from) + 1, 2)] : null)
      next.escalated = true
      next.status = 'reported'
      next.assigneeId = null
      next.acceptedAt = null
      break
    }
    case 'resolved':
      next.status = 'resolved'
      next.resolvedAt = event.at
      break
    case 'rated':
      next.status = 'rated'
      next.rating = event.data.rating ?? null
      break
    case 'closed':
      next.status = 'closed'
      next.closedAt = event.at
      break
    case 'reopened':
      next.status = next.assigneeId ? 'assigned' : 'reported'
      next.reopenCount += 1
      next.resolvedAt = null
      next.closedAt = null
      next.rating = null
      break
  }
  return next
}
