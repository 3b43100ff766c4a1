/**
 * 周报 (周周清) for one ISO week in the community's calendar: issues found and closed by category,
 * issues still open at the week's end, visits by outcome and channel, and patrol coverage per
 * grid (days patrolled of 7, patrols, checklist coverage). Counts come from SQL; issue status at
 * the week's end is derived from the events before it by src/domain/issueState.
 */
import type { Queryable } from '../db/adapter'
import { ISSUE_CATEGORIES, labelOf } from '../../src/domain/constants'
import { deriveIssueState, OPEN_STATUSES } from '../../src/domain/issueState'
import { daysOfRange } from '../../src/domain/calendar'
import type { GridIndex } from '../supervisor/grids'
import { dailyCalendar } from '../supervisor/daily'
import { loadIssues } from '../supervisor/issues'
import type { WeeklyAnswer } from '../../src/domain/console'

export async function weeklyReport(db: Queryable, index: GridIndex, q: { week: string; from: number; to: number; timeZone: string; gridIds: string[] | null }): Promise<WeeklyAnswer> {
  const issues = await loadIssues(db, q.gridIds, { to: q.to })
  const cats = new Map<string, { found: number; closed: number }>()
  const cat = (c: string) => {
    let v = cats.get(c)
    if (!v) cats.set(c, (v = { found: 0, closed: 0 }))
    return v
  }
  let found = 0, closed = 0
  const open: WeeklyAnswer['issues']['open'] = []
  for (const { issue, events } of issues) {
    const state = deriveIssueState(events.filter((e) => e.at < q.to), issue.level)
    if (issue.reportedAt >= q.from) {
      found++
      cat(issue.category).found++
    }
    if (state.status === 'closed' && state.closedAt !== null && state.closedAt >= q.from) {
      closed++
      cat(issue.category).closed++
    }
    if (state.status === 'none' || (OPEN_STATUSES as readonly string[]).includes(state.status)) {
      open.push({ id: issue.id, title: issue.title, category: issue.category, gridName: index.byId.get(issue.gridId)?.name ?? '', reportedAt: issue.reportedAt, status: state.status })
    }
  }
  open.sort((a, b) => a.reportedAt - b.reportedAt)

  const { rows } = await db.query<{ outcome: string; channel: string; n: number }>(
    `SELECT data->>'outcome' AS outcome, coalesce(data->>'channel', 'door') AS channel, count(*)::int AS n
       FROM records
      WHERE entity = 'visits' AND NOT deleted AND (data->>'startedAt')::bigint >= $1 AND (data->>'startedAt')::bigint < $2
        AND ($3::uuid[] IS NULL OR grid_id = ANY($3::uuid[]))
      GROUP BY 1, 2`,
    [q.from, q.to, q.gridIds],
  )
  const byOutcome = { met: 0, absent: 0, refused: 0 }
  const byChannel = { door: 0, phone: 0 }
  for (const r of rows) {
    if (r.outcome in byOutcome) byOutcome[r.outcome as keyof typeof byOutcome] += r.n
    if (r.channel in byChannel) byChannel[r.channel as keyof typeof byChannel] += r.n
  }

  const days = daysOfRange(q, q.timeZone)
  const calendar = await dailyCalendar(db, index, { days, timeZone: q.timeZone, gridIds: q.gridIds })

  return {
    week: q.week,
    from: q.from,
    to: q.to,
    days,
    issues: {
      found,
      closed,
      stillOpen: open.length,
      byCategory: ISSUE_CATEGORIES.filter((c) => cats.has(c.code)).map((c) => ({ category: c.code, label: labelOf(ISSUE_CATEGORIES, c.code), ...cats.get(c.code)! })),
      open,
    },
    visits: { total: rows.reduce((n, r) => n + r.n, 0), byOutcome, byChannel },
    patrols: calendar.map((g) => {
      const walked = g.cells.filter((c) => c.patrols > 0)
      return {
        gridId: g.gridId,
        gridName: g.gridName,
        patrols: g.cells.reduce((n, c) => n + c.patrols, 0),
        daysPatrolled: walked.length,
        days: g.cells.length,
        coverage: walked.length ? walked.reduce((n, c) => n + (c.coverage ?? 0), 0) / walked.length : null,
      }
    }),
  }
}
