/**
 * 事件督办: issues with their status derived from their events by src/domain/issueState (the same
 * rule as the phones), their "7135" deadline, overdue first; on-time rate per level and the
 * average satisfaction rating.
 *
 * Deadline rule (DESIGN §3; helper "issues" is moving it to src/domain — switch `deadlineOf` to it
 * at merge): N × 24 h from the report, N = 1 / 3 / 5 for micro / grid / street, counted again
 * from an escalation at the new level. On time: resolved before the deadline.
 * One statement reads the issues in scope with their events (json_agg on the issueId index).
 */
import type { Queryable } from '../db/adapter'
import type { Issue, IssueEvent } from '../../src/domain/entities'
import { ISSUE_LEVELS } from '../../src/domain/constants'
import { deriveIssueState, OPEN_STATUSES, type IssueStatus } from '../../src/domain/issueState'
import { DAY_MS } from '../../src/domain/weeks'
import type { GridIndex } from './grids'

export interface SupervisedIssue {
  id: string
  title: string
  type: Issue['type']
  category: Issue['category']
  gridId: string
  gridName: string
  level: Issue['level']
  status: IssueStatus | 'none'
  assigneeId: string | null
  reportedAt: number
  deadline: number
  resolvedAt: number | null
  overdue: boolean
  onTime: boolean | null
  rating: number | null
}

export interface IssueSupervision {
  issues: SupervisedIssue[]
  byStatus: Record<string, number>
  levels: { level: Issue['level']; total: number; judged: number; onTime: number; onTimeRate: number | null }[]
  averageRating: number | null
  ratings: number
}

export function deadlineOf(issue: Pick<Issue, 'reportedAt' | 'level'>, events: readonly Pick<IssueEvent, 'type' | 'at'>[], level: Issue['level'] | null): number {
  const escalated = events.filter((e) => e.type === 'escalated').map((e) => e.at)
  const start = escalated.length ? Math.max(...escalated) : issue.reportedAt
  const days = ISSUE_LEVELS.find((l) => l.code === (level ?? issue.level))?.deadlineDays ?? 3
  return start + days * DAY_MS
}

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
  const level = state.level ?? issue.level
  const deadline = deadlineOf(issue, events, level)
  const open = state.status === 'none' || (OPEN_STATUSES as readonly string[]).includes(state.status)
  const finishedAt = state.resolvedAt ?? state.closedAt
  return {
    id: issue.id,
    title: issue.title,
    type: issue.type,
    category: issue.category,
    gridId: issue.gridId,
    gridName: index.byId.get(issue.gridId)?.name ?? '',
    level,
    status: state.status,
    assigneeId: state.assigneeId,
    reportedAt: issue.reportedAt,
    deadline,
    resolvedAt: finishedAt,
    overdue: open ? now > deadline : finishedAt !== null && finishedAt > deadline,
    onTime: !open && finishedAt !== null ? finishedAt <= deadline : open && now > deadline ? false : null,
    rating: state.rating,
  }
}

export async function issueSupervision(db: Queryable, index: GridIndex, q: { gridIds: string[] | null; now: number; status?: 'open' | 'all' }): Promise<IssueSupervision> {
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
  const isOpen = (i: SupervisedIssue) => i.status === 'none' || (OPEN_STATUSES as readonly string[]).includes(i.status)
  const shown = q.status === 'open' ? all.filter(isOpen) : all
  // Overdue open issues first, then open ones by deadline, then the finished ones, newest first.
  shown.sort((a, b) => {
    const rank = (i: SupervisedIssue) => (isOpen(i) ? (i.overdue ? 0 : 1) : 2)
    return rank(a) - rank(b) || (rank(a) < 2 ? a.deadline - b.deadline : b.reportedAt - a.reportedAt)
  })
  return {
    issues: shown,
    byStatus,
    levels,
    averageRating: rated.length ? rated.reduce((n, i) => n + i.rating!, 0) / rated.length : null,
    ratings: rated.length,
  }
}
