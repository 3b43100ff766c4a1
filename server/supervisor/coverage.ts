/**
 * 走访覆盖: per grid, per worker and per building, for a period (a week or a month): households
 * due a visit, visited, and overdue; then the overdue households, special groups first.
 *
 * Rules (helper "ledger" is moving visit cadence to src/domain — switch `cadence` below to it at
 * merge): a household's cadence is its own `cadenceDays`, else the shortest cadence of its tags
 * (HOUSEHOLD_TAGS), else none (not due). It is *due* in the period when it has a cadence and its
 * last visit before the period is missing or more than one cadence before the period's end; it is
 * *visited* when a visit (any outcome, door or phone) falls in the period; it is *overdue* at the
 * period's end (or now, if earlier) when its last visit is missing or older than its cadence.
 * All of it is one SQL statement over households and their visits (visits' householdId index).
 */
import type { Queryable } from '../db/adapter'
import { DAY_MS } from '../../src/domain/weeks'
import { HOUSEHOLD_TAGS } from '../../src/domain/constants'
import type { GridIndex, WorkerInfo } from './grids'

/** Tags of the special groups whose overdue households are listed first. */
export const SPECIAL_TAGS = [
  'living_alone_elder', 'empty_nest_elder', 'advanced_age', 'disabled', 'subsistence', 'hardship', 'key_person', 'four_types_member', 'left_behind_child',
] as const

/**
 * The shortest cadence of a household's tags as one SQL expression over `tags` (a jsonb array):
 * LEAST ignores the NULLs of tags without a cadence. Built from our own constant vocabulary, so
 * nothing from a request enters the statement; a set-returning join per household was 3× slower.
 */
const TAG_CADENCE_SQL = (tags: string) =>
  `least(${HOUSEHOLD_TAGS.flatMap((t) => {
    if (!('cadenceDays' in t)) return []
    if (!/^[a-z_]+$/.test(t.code)) throw new Error(`unexpected tag code ${t.code}`)
    return [`CASE WHEN ${tags} ? '${t.code}' THEN ${Number(t.cadenceDays)} END`]
  }).join(', ')})`

export interface CoverageCounts {
  households: number
  due: number
  visited: number
  overdue: number
}

export interface OverdueHousehold {
  id: string
  gridId: string
  address: string
  headName: string
  tags: string[]
  special: boolean
  lastVisitAt: number | null
  daysOverdue: number
}

export interface CoverageReport {
  from: number
  to: number
  totals: CoverageCounts & { visits: number }
  grids: (CoverageCounts & { gridId: string; gridName: string })[]
  workers: (CoverageCounts & { workerId: string; workerName: string; visits: number; householdsVisited: number })[]
  buildings: (CoverageCounts & { buildingId: string; name: string; compound: string; location: [number, number] })[]
  overdue: OverdueHousehold[]
}

interface CoverageRow {
  grids: (CoverageCounts & { key: string })[] | null
  buildings: (CoverageCounts & { key: string })[] | null
  overdue: { id: string; grid_id: string; address: string; head_name: string; tags: string[]; special: boolean; last_visit_at: number | null; days_overdue: number }[] | null
}

export async function visitCoverage(
  db: Queryable,
  index: GridIndex,
  workers: WorkerInfo[],
  q: { from: number; to: number; now: number; gridIds: string[] | null; overdueLimit?: number },
): Promise<CoverageReport> {
  const at = Math.min(q.to, q.now)
  // One statement: each household's cadence and its visits' last dates (hash join on the
  // visits' householdId index), the three flags, then counts per grid and per building and the
  // first overdue households — only those few rows carry names and addresses back to Node.
  const { rows } = await db.query<CoverageRow>(
    `WITH hh AS (
       SELECT h.id, h.grid_id, x.building_id,
              coalesce(x.cadence_days, ${TAG_CADENCE_SQL('x.tags')}) AS cadence,
              x.tags ?| $5::text[] AS special
         FROM records h
         -- Each field read once per household (OFFSET 0 keeps the planner from inlining it
         -- back): the tag tests then work on the small tags array, not the whole record.
         CROSS JOIN LATERAL (SELECT h.data->'tags' AS tags, (h.data->>'cadenceDays')::int AS cadence_days,
                                    h.data->>'buildingId' AS building_id OFFSET 0) x
        WHERE h.entity = 'households' AND NOT h.deleted AND ($4::uuid[] IS NULL OR h.grid_id = ANY($4::uuid[]))
     ),
     v AS (
       SELECT (v.data->>'householdId')::uuid AS household_id,
              max((v.data->>'startedAt')::bigint) FILTER (WHERE (v.data->>'startedAt')::bigint < $1) AS last_before_start,
              max((v.data->>'startedAt')::bigint) FILTER (WHERE (v.data->>'startedAt')::bigint < $3) AS last_before_at,
              count(*) FILTER (WHERE (v.data->>'startedAt')::bigint >= $1 AND (v.data->>'startedAt')::bigint < $2) AS in_period
         FROM records v
        WHERE v.entity = 'visits' AND NOT v.deleted AND (v.data->>'startedAt')::bigint < greatest($2, $3)
          AND ($4::uuid[] IS NULL OR v.grid_id = ANY($4::uuid[]))
        GROUP BY 1
     ),
     j AS MATERIALIZED (
       SELECT hh.id, hh.grid_id, hh.building_id, hh.cadence, hh.special, v.last_before_at,
              hh.cadence IS NOT NULL AND (v.last_before_start IS NULL OR v.last_before_start + hh.cadence * ${DAY_MS}::bigint < $2) AS due,
              coalesce(v.in_period, 0) > 0 AS in_period,
              hh.cadence IS NOT NULL AND (v.last_before_at IS NULL OR v.last_before_at + hh.cadence * ${DAY_MS}::bigint < $3) AS late
         FROM hh LEFT JOIN v ON v.household_id = hh.id
     ),
     late AS (
       SELECT j.*, CASE WHEN j.last_before_at IS NULL THEN j.cadence
                        ELSE floor(($3 - j.last_before_at - j.cadence * ${DAY_MS}::bigint) / ${DAY_MS}.0)::int END AS days_overdue
         FROM j WHERE j.late
     )
     SELECT
       (SELECT json_agg(g) FROM (
          SELECT grid_id AS key, count(*)::int AS households, count(*) FILTER (WHERE due)::int AS due,
                 count(*) FILTER (WHERE due AND in_period)::int AS visited, count(*) FILTER (WHERE late)::int AS overdue
            FROM j GROUP BY grid_id) g) AS grids,
       (SELECT json_agg(b) FROM (
          SELECT building_id AS key, count(*)::int AS households, count(*) FILTER (WHERE due)::int AS due,
                 count(*) FILTER (WHERE due AND in_period)::int AS visited, count(*) FILTER (WHERE late)::int AS overdue
            FROM j WHERE building_id IS NOT NULL GROUP BY building_id) b) AS buildings,
       (SELECT json_agg(o) FROM (
          SELECT l.id, l.grid_id, r.data->>'address' AS address, r.data->>'headName' AS head_name,
                 ARRAY(SELECT jsonb_array_elements_text(r.data->'tags')) AS tags, l.special,
                 l.last_before_at AS last_visit_at, l.days_overdue
            FROM late l JOIN records r ON r.entity = 'households' AND r.id = l.id
           ORDER BY l.special DESC, l.days_overdue DESC, r.data->>'address'
           LIMIT $6) o) AS overdue`,
    [q.from, q.to, at, q.gridIds, [...SPECIAL_TAGS], q.overdueLimit ?? 200],
  )
  const row = rows[0]
  const empty = (): CoverageCounts => ({ households: 0, due: 0, visited: 0, overdue: 0 })
  const totals = empty()
  const byGrid = new Map<string, CoverageCounts>()
  for (const g of row.grids ?? []) {
    // Households carry micro-grid ids; the report counts by grid.
    const c = ensure(byGrid, index.topGridOf(g.key) ?? g.key, empty)
    for (const k of ['households', 'due', 'visited', 'overdue'] as const) {
      c[k] += g[k]
      totals[k] += g[k]
    }
  }
  const byBuilding = new Map((row.buildings ?? []).map((b) => [b.key, b]))
  const overdue: OverdueHousehold[] = (row.overdue ?? []).map((o) => ({
    id: o.id, gridId: o.grid_id, address: o.address, headName: o.head_name, tags: o.tags, special: o.special,
    lastVisitAt: o.last_visit_at === null ? null : Number(o.last_visit_at), daysOverdue: o.days_overdue,
  }))

  const { rows: visitRows } = await db.query<{ worker_id: string; visits: number; households: number }>(
    `SELECT data->>'workerId' AS worker_id, count(*)::int AS visits, count(DISTINCT data->>'householdId')::int AS households
       FROM records
      WHERE entity = 'visits' AND NOT deleted AND (data->>'startedAt')::bigint >= $1 AND (data->>'startedAt')::bigint < $2
        AND ($3::uuid[] IS NULL OR grid_id = ANY($3::uuid[]))
      GROUP BY 1`,
    [q.from, q.to, q.gridIds],
  )
  const visitsBy = new Map(visitRows.map((r) => [r.worker_id, r]))

  const { rows: buildingRows } = byBuilding.size
    ? await db.query<{ id: string; name: string; compound: string; location: [number, number] }>(
        `SELECT id::text AS id, data->>'name' AS name, data->>'compound' AS compound, data->'location' AS location
           FROM records WHERE entity = 'buildings' AND id = ANY($1::uuid[])`,
        [[...byBuilding.keys()]],
      )
    : { rows: [] }

  return {
    from: q.from,
    to: q.to,
    totals: { ...totals, visits: visitRows.reduce((n, r) => n + r.visits, 0) },
    grids: index.grids
      .filter((g) => g.level === 'grid' && byGrid.has(g.id))
      .map((g) => ({ gridId: g.id, gridName: g.name, ...byGrid.get(g.id)! })),
    workers: workers.map((w) => {
      const c = empty()
      for (const g of w.gridIds) {
        const gc = byGrid.get(g)
        if (!gc) continue
        c.households += gc.households
        c.due += gc.due
        c.visited += gc.visited
        c.overdue += gc.overdue
      }
      const v = visitsBy.get(w.id)
      return { workerId: w.id, workerName: w.name, ...c, visits: v?.visits ?? 0, householdsVisited: v?.households ?? 0 }
    }),
    buildings: buildingRows.map((b) => {
      const { key: _key, ...counts } = byBuilding.get(b.id)!
      return { buildingId: b.id, name: b.name, compound: b.compound, location: b.location, ...counts }
    }),
    overdue,
  }
}

function ensure<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key)
  if (v === undefined) map.set(key, (v = make()))
  return v
}
