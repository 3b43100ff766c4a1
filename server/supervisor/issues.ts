/**
 * 事件督办: issues with their status derived from their events by src/domain/issueState (the same
 * rule as the phones), their "7135" deadline, overdue first; on-time rate per level and the
 * average satisfaction rating.
 *
 * Deadline rule: src/domain/deadlines (the phones' countdowns): N × 24 h from the report, N = 1 / 3 / 5
 * for micro / grid / street, restarted at an escalation with the new level; the clock stops at 办结.
 * For the on-time rate an open issue past its deadline already counts as late (it can no longer be
 * on time); an open one within it is not judged yet.
 * One statement reads the issues in scope with their events (json_agg on the issueId index).
 */
import type { Queryable } from '../db/adapter'
import type { Issue, IssueEvent } from '../../src/domain/entities'
import { ISSUE_LEVELS } from '../../src/domain/constants'
import { deriveIssueState, isOpen } from '../../src/domain/issueState'
import { issueDeadline } from '../../src/domain/deadlines'
import type { GridIndex } from './grids'
import type { IssuesAnswer, SupervisedIssue } from '../../src/domain/console'

export async function loadIssues(db: Queryable, gridIds: string[] | null, range: { from?: number; to?: number } = {}): Promise<{ issue: Issue; events: IssueEvent[] }[]> {
  const { rows } = await db.query<{ issue: Issue; events: IssueEvent[] | null }>(
    `SELECT i.data AS issue,
            (SELECT json_agg(e.data) FROM records e
              WHERE e.entity = 'issueEvents' AND e.data->>'issueId' = i.id::text AND NOT e.deleted) AS events
       FROM records i
      WHERE i.entity = 'issues' AND NOT i.deleted AND ($1::uuid[] IS NULL OR i.grid_id = ANY($1::uuid[]))
        AND ($2::bigint IS NULL OR (i.data->>'reportedAt')::bigint >= $2)
        AND ($3::bigint IS NULL OR (i.data->>'reportedAt')::bigint < $3)`,
    [gridIds, range.from ?? null, range.to ?? null],
  )
  return rows.map((r) => ({ issue: r.issue, events: r.events ?? [] }))
}

export function superviseIssue(issue: Issue, events: IssueEvent[], now: number, index: GridIndex): SupervisedIssue {
  const state = deriveIssueState(events, issue.level)
  const d = issueDeadline(issue, state, now)
  return {
    id: issue.id,
    title: issue.title,
    type: issue.type,
    category: issue.category,
    gridId: issue.gridId,
    gridName: index.byId.get(issue.gridId)?.name ?? '',
    level: d.level,
    status: state.status,
    assigneeId: state.assigneeId,
    reportedAt: issue.reportedAt,
    deadline: d.dueAt,
    resolvedAt: d.doneAt,
    // Open and late, or finished late.
    overdue: d.overdue || d.onTime === false,
    onTime: d.onTime ?? (d.overdue ? false : null),
    rating: state.rating,
  }
}

/**
 * The board's filters: active — everything not yet 销号 (open ones and 已办结 / 已评价 waiting for
 * the supervisor's 评价 or 销号: the console's default); open — 未办结 only; all — with the closed.
 */
export const ISSUE_BOARD_FILTERS = ['active', 'open', 'all'] as const
export type IssueBoardFilter = (typeof ISSUE_BOARD_FILTERS)[number]

export async function issueSupervision(db: Queryable, index: GridIndex, q: { gridIds: string[] | null; now: number; status?: IssueBoardFilter }): Promise<IssuesAnswer> {
  const all = (await loadIssues(db, q.gridIds)).map(({ issue, events }) => superviseIssue(issue, events, q.now, index))
  const byStatus: Record<string, number> = {}
  for (const i of all) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1
  const levels = ISSUE_LEVELS.map(({ code }) => {
    const of = all.filter((i) => i.level === code)
    const judged = of.filter((i) => i.onTime !== null)
    const onTime = judged.filter((i) => i.onTime).length
    return { level: code, total: of.length, judged: judged.length, onTime, onTimeRate: judged.length ? onTime / judged.length : null }
  })
  const rated = all.filter((i) => i.rating !== null)
  const open = (i: SupervisedIssue) => i.status === 'none' || isOpen(i.status)
  const waiting = (i: SupervisedIssue) => i.status === 'resolved' || i.status === 'rated'
  const shown = q.status === 'open' ? all.filter(open) : q.status === 'active' ? all.filter((i) => open(i) || waiting(i)) : all
  // Overdue open issues first, then open ones by deadline, then those waiting for 评价 / 销号
  // (longest waiting first), then the closed ones, newest first.
  shown.sort((a, b) => {
    const rank = (i: SupervisedIssue) => (open(i) ? (i.overdue ? 0 : 1) : waiting(i) ? 2 : 3)
    const r = rank(a) - rank(b)
    if (r) return r
    if (rank(a) < 2) return a.deadline - b.deadline
    if (rank(a) === 2) return (a.resolvedAt ?? a.reportedAt) - (b.resolvedAt ?? b.reportedAt)
    return b.reportedAt - a.reportedAt
  })
  return {
    issues: shown,
    byStatus,
    levels,
    averageRating: rated.length ? rated.reduce((n, i) => n + i.rating!, 0) / rated.length : null,
    ratings: rated.length,
  }
}
