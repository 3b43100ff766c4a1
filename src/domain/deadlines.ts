/**
 * "7135" (DESIGN §1, §3): arrive within 7 minutes of an urgent report; close a micro-grid matter
 * within 1 day, a grid matter within 3, a street matter within 5 — N × 24 hours from the report,
 * re-set when the issue is escalated (the clock restarts at the escalation, with the higher
 * level's days). The same numbers on the phone (countdowns, 逾期) and the server (on-time rates).
 *
 * The clock stops at 办结 (resolved): the work is done then; rating and 销号 are the office's
 * checks. A reopened issue runs on against the same deadline.
 */
import { ARRIVAL_MINUTES, ISSUE_LEVELS } from './constants'
import type { Issue } from './entities'
import { effectiveLevel, type IssueState } from './issueState'

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
export const ARRIVAL_MS = ARRIVAL_MINUTES * MINUTE_MS

/** Days to close an issue of a level. */
export function deadlineDays(level: Issue['level']): number {
  return ISSUE_LEVELS.find((l) => l.code === level)?.deadlineDays ?? 1
}

export interface IssueDeadline {
  level: Issue['level']
  days: number
  /** When the clock started: the report, or the last escalation. */
  startAt: number
  dueAt: number
  /** 办结 time, null while open. */
  doneAt: number | null
  /** Open and past due. */
  overdue: boolean
  /** dueAt − (doneAt ?? now): negative once late. */
  remainingMs: number
  /** Done in time; null while open. */
  onTime: boolean | null
  /** The 7-minute arrival clock (urgent matters only). */
  arrival: { dueAt: number; arrivedAt: number | null; overdue: boolean; onTime: boolean | null } | null
}

export type DeadlineIssue = Pick<Issue, 'level' | 'reportedAt'> & { urgent?: boolean }

export function issueDeadline(issue: DeadlineIssue, state: IssueState, now: number): IssueDeadline {
  const level = effectiveLevel(state, issue.level) ?? issue.level
  const days = deadlineDays(level)
  const startAt = state.escalatedAt !== null ? Math.max(state.escalatedAt, issue.reportedAt) : issue.reportedAt
  const dueAt = startAt + days * DAY_MS
  const doneAt = state.resolvedAt
  const done = doneAt !== null || state.status === 'rated' || state.status === 'closed'
  const until = doneAt ?? now
  let arrival: IssueDeadline['arrival'] = null
  if (issue.urgent) {
    const arrivalDue = issue.reportedAt + ARRIVAL_MS
    arrival = {
      dueAt: arrivalDue,
      arrivedAt: state.arrivedAt,
      overdue: state.arrivedAt === null && !done && now > arrivalDue,
      onTime: state.arrivedAt === null ? null : state.arrivedAt <= arrivalDue,
    }
  }
  return {
    level,
    days,
    startAt,
    dueAt,
    doneAt,
    overdue: !done && now > dueAt,
    remainingMs: dueAt - until,
    onTime: doneAt === null ? null : doneAt <= dueAt,
    arrival,
  }
}

/** A span as whole days, hours and minutes (largest two units), for "还剩 2 天 3 小时". */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number } {
  const m = Math.floor(Math.abs(ms) / MINUTE_MS)
  return { days: Math.floor(m / 1440), hours: Math.floor((m % 1440) / 60), minutes: m % 60 }
}
