/**
 * 走访覆盖: per grid, per worker and per building, for a period (a week or a month): households
 * due a visit, visited, and overdue; then the overdue households, special groups first.
 *
 * Rules: src/domain/cadence.ts, the phones' 今日 due list, computed here in SQL. A household's
 * cadence is its own `cadenceDays`, else the strictest cadence of its tags and its present members'
 * tags, else quarterly; a phone call does not count for a household that must be seen at the door
 * (DOOR_ONLY_TAGS); days are calendar days in the community's zone (FULLGRID_TIME_ZONE, the
 * dayNumber of src/domain/calendar.ts); the clock of a never-visited household starts on the day it was
 * recorded (its UUIDv7 time). Over a period:
 *   due      — dueThisWeek as of the period's start: the due day after the last counting visit
 *              before the period falls on or before the period's last day;
 *   visited  — due, and a counting visit falls in the period (visitedThisWeek);
 *   overdue  — dueState at the period's last day (or today, if earlier) is 'overdue': today is
 *              after the due day, from the counting visits before then; daysOverdue = overdueDays.
 * All of it is one SQL statement over households and their visits, reading the stored columns of
 * 047_coverage_facts.sql (tags, cadence, building; a visit's household, time and channel) rather
 * than each record's JSON.
 */
import type { Queryable } from '../db/adapter'
import { DAY_MS, dayNumber, fixedOffsetMs } from '../../src/domain/calendar'
import { DOOR_ONLY_TAGS, QUARTERLY_DAYS, TAG_CADENCE } from '../../src/domain/cadence'
import type { GridIndex, WorkerInfo } from './grids'
import type { CoverageAnswer, CoverageCounts, OverdueHousehold } from '../../src/domain/console'

/** Tags of the special groups whose overdue households are listed first. */
export const SPECIAL_TAGS = [
  'living_alone_elder', 'empty_nest_elder', 'advanced_age', 'disabled', 'subsistence', 'hardship', 'key_person', 'four_types_member', 'left_behind_child',
] as const

/** The per-tag cadence table of src/domain/cadence.ts, passed to SQL as two parameter arrays. */
const TAG_CODES = [...TAG_CADENCE.keys()]
const TAG_DAYS = TAG_CODES.map((t) => TAG_CADENCE.get(t)!)

/**
 * The strictest cadence of a household's tags (`tags`: a jsonb array) as one SQL expression:
 * LEAST ignores the NULLs of tags it does not hold. The statement's text holds only array
 * positions; codes and days arrive as parameters $7 and $8. A set-returning join per household
 * was 3× slower than these CASEs on the small tags array.
 */
const TAG_CADENCE_SQL = (tags: string) =>
  `least(${TAG_CODES.map((_, i) => `CASE WHEN ${tags} ? ($7::text[])[${i + 1}] THEN ($8::int[])[${i + 1}] END`).join(', ')})`

/**
 * Calendar day number (calendar.ts dayNumber) of a millisecond time, in SQL. A zone that keeps one
 * offset all year (Asia/Shanghai) is plain arithmetic; a zone with daylight saving asks the
 * database's zone rules, the zone's name being parameter `$zoneParam`.
 */
function daySql(timeZone: string, zoneParam: string): (ms: string) => string {
  const offset = fixedOffsetMs(timeZone)
  if (offset !== null) return (ms) => `floor((${ms} + ${offset}::bigint) / ${DAY_MS}.0)::int`
  return (ms) => `((to_timestamp((${ms})::float8 / 1000) AT TIME ZONE ${zoneParam}::text)::date - DATE '1970-01-01')`
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
  q: { from: number; to: number; now: number; timeZone: string; gridIds: string[] | null; overdueLimit?: number },
): Promise<CoverageAnswer> {
  const at = Math.min(q.to, q.now)
  // The period's last day, and "today" for overdue: the last day, or today if the period runs on.
  const lastDay = dayNumber(q.to - 1, q.timeZone)
  const today = dayNumber(at === q.to ? q.to - 1 : at, q.timeZone)
  const DAY_SQL = daySql(q.timeZone, '$13')
  const params: unknown[] = [q.from, q.to, at, q.gridIds, [...SPECIAL_TAGS], q.overdueLimit ?? 200, TAG_CODES, TAG_DAYS, [...DOOR_ONLY_TAGS], QUARTERLY_DAYS, lastDay, today]
  // $13 only where the statement names it: PostgreSQL refuses parameters a statement does not use.
  if (fixedOffsetMs(q.timeZone) === null) params.push(q.timeZone)
  // One statement: each household's cadence and its counting visits' last dates (hash join on
  // the visits' householdId index), the three flags, then counts per grid and per building and
  // the first overdue households — only those few rows carry names and addresses back to Node.
  const { rows } = await db.query<CoverageRow>(
    `WITH hh AS (
       SELECT h.id, h.grid_id, h.hh_building_id AS building_id,
              coalesce(nullif(h.hh_cadence_days::int, 0), ${TAG_CADENCE_SQL('h.hh_all_tags')}, $10::int) AS cadence,
              h.hh_all_tags ?| $9::text[] AS door_only,
              h.hh_tags ?| $5::text[] AS special,
              ${DAY_SQL("('x' || substr(replace(h.id::text, '-', ''), 1, 12))::bit(48)::bigint")} AS recorded_day
         -- The household's tags, cadence and building are stored columns beside its JSON
         -- (047_coverage_facts.sql): no record is opened to read them.
         FROM records h
        WHERE h.entity = 'households' AND NOT h.deleted AND ($4::uuid[] IS NULL OR h.grid_id = ANY($4::uuid[]))
     ),
     v AS (
       SELECT household_id,
              max(started) FILTER (WHERE started < $1) AS any_before_start,
              max(started) FILTER (WHERE started < $1 AND door) AS door_before_start,
              max(started) FILTER (WHERE started < $3) AS any_before_at,
              max(started) FILTER (WHERE started < $3 AND door) AS door_before_at,
              count(*) FILTER (WHERE started >= $1 AND started < $2) AS any_in_period,
              count(*) FILTER (WHERE started >= $1 AND started < $2 AND door) AS door_in_period
         FROM (SELECT v.visit_household AS household_id, v.visit_started AS started, v.visit_door AS door
                 FROM records v
                WHERE v.entity = 'visits' AND NOT v.deleted AND v.visit_started < greatest($2::bigint, $3::bigint)
                  AND ($4::uuid[] IS NULL OR v.grid_id = ANY($4::uuid[]))) v
        GROUP BY 1
     ),
     k AS (
       -- The visits that count for each household: door visits only where a call does not do.
       SELECT hh.*,
              CASE WHEN hh.door_only THEN v.door_before_start ELSE v.any_before_start END AS last_before_start,
              CASE WHEN hh.door_only THEN v.door_before_at ELSE v.any_before_at END AS last_before_at,
              coalesce(CASE WHEN hh.door_only THEN v.door_in_period ELSE v.any_in_period END, 0) > 0 AS in_period
         FROM hh LEFT JOIN v ON v.household_id = hh.id
     ),
     j AS MATERIALIZED (
       SELECT k.id, k.grid_id, k.building_id, k.cadence, k.special, k.last_before_at, k.in_period,
              coalesce(${DAY_SQL('k.last_before_start')}, k.recorded_day) + k.cadence <= $11::int AS due,
              $12::int - (coalesce(${DAY_SQL('k.last_before_at')}, k.recorded_day) + k.cadence) AS days_late
         FROM k
     ),
     late AS (
       SELECT j.*, j.days_late AS days_overdue FROM j WHERE j.days_late > 0
     )
     SELECT
       (SELECT json_agg(g) FROM (
          SELECT grid_id AS key, count(*)::int AS households, count(*) FILTER (WHERE due)::int AS due,
                 count(*) FILTER (WHERE due AND in_period)::int AS visited, count(*) FILTER (WHERE days_late > 0)::int AS overdue
            FROM j GROUP BY grid_id) g) AS grids,
       (SELECT json_agg(b) FROM (
          SELECT building_id AS key, count(*)::int AS households, count(*) FILTER (WHERE due)::int AS due,
                 count(*) FILTER (WHERE due AND in_period)::int AS visited, count(*) FILTER (WHERE days_late > 0)::int AS overdue
            FROM j WHERE building_id IS NOT NULL GROUP BY building_id) b) AS buildings,
       (SELECT json_agg(o) FROM (
          SELECT l.id, l.grid_id, r.data->>'address' AS address, r.data->>'headName' AS head_name,
                 ARRAY(SELECT jsonb_array_elements_text(r.data->'tags')) AS tags, l.special,
                 l.last_before_at AS last_visit_at, l.days_overdue
            FROM late l JOIN records r ON r.entity = 'households' AND r.id = l.id
           ORDER BY l.special DESC, l.days_overdue DESC, r.data->>'address'
           LIMIT $6) o) AS overdue`,
    params,
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
    `SELECT data->>'workerId' AS worker_id, count(*)::int AS visits, count(DISTINCT visit_household)::int AS households
       FROM records
      WHERE entity = 'visits' AND NOT deleted AND visit_started >= $1 AND visit_started < $2
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
