/**
 * 日日巡: a calendar of grids × days. For each (grid, day of the community's calendar): how many
 * patrols, by whom, and the checklist coverage of the best patrol that day; days without a patrol
 * stand out as gaps. The database buckets the patrols into the days' bounds (computed in the
 * community's zone, so a 23- or 25-hour day is one day) in one pass on the startedAt index.
 */
import type { Queryable } from '../db/adapter'
import { dayBounds } from '../../src/domain/calendar'
import type { GridIndex } from './grids'
import type { DailyCell, DailyGrid } from '../../src/domain/console'

export async function dailyCalendar(
  db: Queryable,
  index: GridIndex,
  q: { days: string[]; timeZone: string; gridIds: string[] | null; today?: string },
): Promise<DailyGrid[]> {
  const bounds = dayBounds(q.days, q.timeZone)
  const { rows } = bounds.length
    ? await db.query<{ grid_id: string; bucket: number; patrols: number; worker_ids: string[]; coverage: number | null }>(
        `SELECT p.grid_id::text AS grid_id,
                width_bucket((p.data->>'startedAt')::bigint, $3::bigint[]) AS bucket,
                count(*)::int AS patrols,
                array_agg(DISTINCT p.data->>'workerId') AS worker_ids,
                max(least(1.0, jsonb_array_length(p.data->'answers')::float8 / nullif(jsonb_array_length(c.data->'items'), 0)))::float8 AS coverage
           FROM records p
           LEFT JOIN records c ON c.entity = 'checklists' AND c.id = (p.data->>'checklistId')::uuid
          WHERE p.entity = 'patrols' AND NOT p.deleted
            AND (p.data->>'startedAt')::bigint >= $1 AND (p.data->>'startedAt')::bigint < $2
            AND ($4::uuid[] IS NULL OR p.grid_id = ANY($4::uuid[]))
          GROUP BY 1, 2`,
        [bounds[0], bounds.at(-1), bounds, q.gridIds],
      )
    : { rows: [] }
  // Patrols are recorded on a grid or one of its micro-grids; the calendar has one row per grid.
  const cells = new Map<string, Map<string, DailyCell>>()
  for (const r of rows) {
    const grid = index.topGridOf(r.grid_id) ?? r.grid_id
    // width_bucket: 1 for [bounds[0], bounds[1]), …; the WHERE keeps every patrol inside.
    const day = q.days[r.bucket - 1]
    if (day === undefined) continue
    const byDay = cells.get(grid) ?? new Map<string, DailyCell>()
    cells.set(grid, byDay)
    const cell = byDay.get(day) ?? { day, patrols: 0, workerIds: [], coverage: null }
    cell.patrols += r.patrols
    cell.workerIds = [...new Set([...cell.workerIds, ...r.worker_ids])]
    cell.coverage = Math.max(cell.coverage ?? 0, r.coverage ?? 0)
    byDay.set(day, cell)
  }
  const allowed = q.gridIds ? new Set(q.gridIds) : null
  // Days after today cannot have been patrolled yet: they are shown, not counted as gaps.
  const counted = q.today === undefined ? q.days.length : q.days.filter((d) => d <= q.today!).length
  return index.grids
    .filter((g) => g.level === 'grid' && (!allowed || allowed.has(g.id)))
    .map((g) => {
      const byDay = cells.get(g.id)
      const row = q.days.map((day) => byDay?.get(day) ?? { day, patrols: 0, workerIds: [], coverage: null })
      const gaps = row.filter((c, i) => i < counted && c.patrols === 0).length
      return { gridId: g.id, gridName: g.name, cells: row, gaps, counted }
    })
}
