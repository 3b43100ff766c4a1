/**
 * Who may send which issue event, and when (DESIGN §4: "every event type has a rule for who may
 * send it, in src/domain, the same on both ends"). The phone shows a button only when
 * `checkIssueEvent` allows it; the server's push judge refuses with the same verdict, as a
 * rejection code the phone translates (src/domain/rejections).
 *
 * WHO_MAY_SEND, by role in the issue:
 *   reporter   — the person who reported it (its `reported` event)
 *   supervisor — a supervisor or admin (网格长, 社区书记)
 *   assignee   — the worker the issue is dispatched to / who accepted it
 *   claimer    — while nobody holds the issue: a worker of the issue's grid, or a supervisor
 *                (小事现场办: 接单 without 派单; 认领 of a 微心愿, also for a named volunteer)
 *
 * Time: `at` is what the person says; it is refused (event_time) when more than
 * EVENT_MAX_AHEAD_MS ahead of the server's clock or earlier than the issue's report.
 *
 * The issue record itself: deleting and undeleting it — its reporter or a supervisor; lowering
 * its level — a supervisor only.
 */
import type { RejectionCode } from './rejections'
import type { Issue, Role } from './entities'
import {
  ISSUE_EVENT_TYPES, LEVEL_ORDER, applyIssueEvent, checkTransition, deriveIssueState, emptyIssueState,
  orderIssueEvents, type IssueEventLike, type IssueEventType, type IssueLevelCode, type IssueState,
} from './issueState'

export type IssueRole = 'reporter' | 'supervisor' | 'assignee' | 'claimer'

export const WHO_MAY_SEND: Record<IssueEventType, readonly IssueRole[]> = {
  reported: ['reporter'],
  assigned: ['supervisor'],
  accepted: ['assignee', 'claimer'],
  arrived: ['assignee'],
  progress: ['assignee', 'supervisor'],
  escalated: ['assignee', 'supervisor'],
  resolved: ['assignee'],
  rated: ['supervisor'],
  closed: ['supervisor'],
  reopened: ['supervisor'],
  // 催办 is the supervisor's lever on whoever holds the issue; the holder does not remind themself.
  reminded: ['supervisor'],
}

/** How far ahead of the server's clock an event's `at` may be (the same bound as HLC stamps). */
export const EVENT_MAX_AHEAD_MS = 10 * 60 * 1000

/** The action words of the buttons (params of rejection texts are Chinese first). */
export const ISSUE_ACTION_ZH: Record<IssueEventType, string> = {
  reported: '上报事件', assigned: '派单', accepted: '接单', arrived: '到场', progress: '进展', escalated: '上报上级',
  resolved: '办结', rated: '评价', reopened: '重新打开', closed: '销号', reminded: '催办',
}
export const ISSUE_STATUS_ZH: Record<IssueState['status'], string> = {
  none: '未上报', reported: '待派单', assigned: '已派单', accepted: '处理中', resolved: '已办结', rated: '已评价', closed: '已销号',
}

export interface IssueActor {
  id: string
  role: Role
  /** Does the actor work in the issue's grid (or a grid above it)? undefined: not known, not checked. */
  inIssueGrid?: boolean
}

/** What the rules need of the issue record. */
export interface IssueFacts {
  level: IssueLevelCode
  reportedAt?: number
  reportedBy?: string
}

export interface IssueRuleOptions {
  /** The server's clock (on the phone: the corrected clock); undefined: `at` ahead is not checked. */
  now?: number
  /** A user's name for texts such as 已由 张伟 接单. */
  nameOf?: (userId: string) => string | undefined
}

export interface IssueRuleViolation {
  code: RejectionCode
  params: Record<string, string | number>
  /** English, for logs and scripts. */
  reason: string
}

export const isSupervising = (role: Role): boolean => role === 'supervisor' || role === 'admin'

/** The roles `actor` holds in an issue in `state`. */
export function rolesOf(state: IssueState, actor: IssueActor, issue: IssueFacts | null): Set<IssueRole> {
  const roles = new Set<IssueRole>()
  if (isSupervising(actor.role)) roles.add('supervisor')
  if (issue?.reportedBy === undefined || issue.reportedBy === actor.id) roles.add('reporter')
  if (state.assigneeId !== null && state.assigneeId === actor.id) roles.add('assignee')
  if (state.assigneeId === null && (isSupervising(actor.role) || actor.inIssueGrid !== false)) roles.add('claimer')
  return roles
}

function factsOf(issue: IssueFacts | IssueLevelCode | null): IssueFacts | null {
  return typeof issue === 'string' ? { level: issue } : issue
}

/**
 * May `event` follow the events the server accepted before it (`existing`, any order)? The state
 * comes from `existing` alone: on the server that is every event accepted so far; on the phone,
 * the synced events and its own pending ones. Returns null or the violation.
 */
export function checkIssueEvent(
  existing: readonly IssueEventLike[],
  event: IssueEventLike,
  actor: IssueActor | null = null,
  issue: IssueFacts | IssueLevelCode | null = null,
  opts: IssueRuleOptions = {},
): IssueRuleViolation | null {
  const facts = factsOf(issue)
  const state = deriveIssueState(existing.filter((e) => e.id !== event.id), facts?.level ?? null)
  return checkAgainstState(state, event, actor, facts, opts)
}

/** The same judgement against a state already derived. */
export function checkAgainstState(
  state: IssueState,
  event: IssueEventLike,
  actor: IssueActor | null,
  facts: IssueFacts | null,
  opts: IssueRuleOptions = {},
): IssueRuleViolation | null {
  const action = ISSUE_ACTION_ZH[event.type]

  // Time first: a wrong clock is the one thing the person can fix.
  if (opts.now !== undefined && event.at > opts.now + EVENT_MAX_AHEAD_MS) {
    return {
      code: 'event_time',
      params: { detail: '时间晚于服务器时间 10 分钟以上，请校准手机时间' },
      reason: `the event time ${event.at} is more than 10 minutes ahead of the server's clock`,
    }
  }
  if (facts?.reportedAt !== undefined && event.at < facts.reportedAt) {
    return {
      code: 'event_time',
      params: { detail: '时间早于事件上报时间' },
      reason: `the event time ${event.at} is earlier than the issue's report (${facts.reportedAt})`,
    }
  }

  const problem = checkTransition(state, event, facts?.level ?? null)
  if (problem?.kind === 'taken') {
    const holder = state.acceptedBy ?? state.assigneeId ?? ''
    return {
      code: 'already_accepted',
      params: { name: opts.nameOf?.(holder) ?? holder },
      reason: `the issue has already been accepted by ${holder}`,
    }
  }
  if (problem?.kind === 'state') {
    return { code: 'event_wrong_state', params: { status: ISSUE_STATUS_ZH[state.status], action }, reason: problem.reason }
  }
  if (problem?.kind === 'data') return { code: 'invalid', params: { detail: problem.reason }, reason: problem.reason }

  if (actor) {
    if (event.actorId !== actor.id) {
      return { code: 'not_author', params: {}, reason: "an event is recorded in its sender's own name" }
    }
    const roles = rolesOf(state, actor, facts)
    if (!WHO_MAY_SEND[event.type].some((r) => roles.has(r))) {
      return { code: 'event_not_allowed', params: { action }, reason: `${actor.role} ${actor.id} may not record "${event.type}" (${WHO_MAY_SEND[event.type].join(' or ')} only)` }
    }
    if (event.type === 'reminded' && state.assigneeId === actor.id) {
      return { code: 'event_not_allowed', params: { action }, reason: 'the person holding an issue does not remind themself' }
    }
  }
  return null
}

/** A probe of each event type as the UI would send it, to find which buttons to show. */
function probe(type: IssueEventType, actor: IssueActor, at: number, state: IssueState, facts: IssueFacts | null): IssueEventLike {
  const from = state.level ?? facts?.level ?? 'micro'
  const up = LEVEL_ORDER[Math.min(LEVEL_ORDER.indexOf(from) + 1, LEVEL_ORDER.length - 1)]
  return {
    id: '', type, actorId: actor.id, at, hlc: '', pending: true,
    data: { assigneeId: actor.id, rating: 5, note: '—', level: up === from ? undefined : up },
  }
}

/** The event types `actor` may record now (the buttons of the issue page). */
export function allowedIssueActions(
  events: readonly IssueEventLike[],
  actor: IssueActor,
  issue: IssueFacts,
  now: number,
): IssueEventType[] {
  const state = deriveIssueState(events, issue.level)
  const at = Math.max(now, issue.reportedAt ?? now)
  return ISSUE_EVENT_TYPES.filter((t) => t !== 'reported' && checkAgainstState(state, probe(t, actor, at, state, issue), actor, issue, { now }) === null)
}

/**
 * A change of the issue record itself (issues are immutable but for category and level, and
 * their tombstone). Returns null or the violation.
 */
export function checkIssueRecordChange(
  before: Pick<Issue, 'level' | 'deleted' | 'reportedBy'>,
  after: Pick<Issue, 'level' | 'deleted'>,
  actor: IssueActor,
): IssueRuleViolation | null {
  const supervising = isSupervising(actor.role)
  const mayDelete = supervising || before.reportedBy === actor.id
  if (before.deleted !== after.deleted && !mayDelete) {
    const action = after.deleted ? '删除事件' : '恢复已删除的事件'
    return { code: 'event_not_allowed', params: { action }, reason: `only the reporter or a supervisor can ${after.deleted ? 'delete' : 'undelete'} an issue` }
  }
  if (LEVEL_ORDER.indexOf(after.level) < LEVEL_ORDER.indexOf(before.level) && !supervising) {
    return { code: 'event_not_allowed', params: { action: '降低事件级别' }, reason: "only a supervisor can lower an issue's level" }
  }
  return null
}

/** Convenience for tests and the demo: fold events one by one, each judged; the first violation throws. */
export function foldChecked(
  steps: readonly { event: IssueEventLike; actor: IssueActor }[],
  issue: IssueFacts | null = null,
  opts: IssueRuleOptions = {},
): IssueState {
  let state = emptyIssueState()
  for (const { event, actor } of steps) {
    const v = checkAgainstState(state, event, actor, issue, opts)
    if (v) throw new Error(`${event.type}: ${v.reason}`)
    state = applyIssueEvent(state, event, issue?.level ?? null)
  }
  return state
}

export { orderIssueEvents }

/**
 * Does a person assigned `userGridIds` work in `gridId`, i.e. is it one of their grids or below
 * one (a micro-grid of their grid)? The phone's side of the server's scope (server/sync/scope).
 */
export function worksInGrid(userGridIds: readonly string[], gridId: string | null | undefined, parentOf: (id: string) => string | null | undefined): boolean {
  const mine = new Set(userGridIds)
  for (let g = gridId ?? null, hops = 0; g && hops < 20; g = parentOf(g) ?? null, hops++) if (mine.has(g)) return true
  return false
}
