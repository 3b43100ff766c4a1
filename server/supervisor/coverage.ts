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

const TAG_CADENCE = Object.fromEntries(HOUSEHOLD_TAGS.flatMap((t) => ('cadenceDays' in t ? [[t.code, t.cadenceDays]] : [])))

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

interface HouseholdRow {
  id: string
  grid_id: string
  building_id: string | null
  address: string
  head_name: string
  tags: string[]
  cadence: number | null
  last_before_start: number | null
  last_before_at: number | null
  in_period: number
}

export async function visitCoverage(
  db: Queryable,
  index: GridIndex,
  workers: WorkerInfo[],
  q: { from: number; to: number; now: number; gridIds: string[] | null; overdueLimit?: number },
): Promise<CoverageReport> {
  const at = Math.min(q.to, q.now)
  const { rows } = await db.query<HouseholdRow>(
    `WITH tag_cadence AS (SELECT key AS tag, value::int AS days FROM jsonb_each_text($1::jsonb)),
     hh AS (
       SELECT h.id, h.grid_id, h.data,
              coalesce((h.data->>'cadenceDays')::int,
                       (SELECT min(tc.days) FROM jsonb_array_elements_text(h.data->'tags') t JOIN tag_cadence tc ON tc.tag = t)) AS cadence
         FROM records h
        WHERE h.entity = 'households' AND NOT h.deleted AND ($5::uuid[] IS NULL OR h.grid_id = ANY($5::uuid[]))
     ),
     v AS (
       SELECT v.data->>'householdId' AS household_id,
              max((v.data->>'startedAt')::bigint) FILTER (WHERE (v.data->>'startedAt')::bigint < $2) AS last_before_start,
              max((v.data->>'startedAt')::bigint) FILTER (WHERE (v.data->>'startedAt')::bigint < $4) AS last_before_at,
              count(*) FILTER (WHERE (v.data->>'startedAt')::bigint >= $2 AND (v.data->>'startedAt')::bigint < $3)::int AS in_period
         FROM records v
        WHERE v.entity = 'visits' AND NOT v.deleted AND (v.data->>'startedAt')::bigint < greatest($3, $4)
          AND ($5::uuid[] IS NULL OR v.grid_id = ANY($5::uuid[]))
        GROUP BY 1
     )
     SELECT hh.id::text AS id, hh.grid_id::text AS grid_id, hh.data->>'buildingId' AS building_id,
            hh.data->>'address' AS address, hh.data->>'headName' AS head_name,
            ARRAY(SELECT jsonb_array_elements_text(hh.data->'tags')) AS tags, hh.cadence,
            v.last_before_start, v.last_before_at, coalesce(v.in_period, 0) AS in_period
       FROM hh LEFT JOIN v ON v.household_id = hh.id::text`,
    [JSON.stringify(TAG_CADENCE), q.from, q.to, at, q.gridIds],
  )

  const empty = (): CoverageCounts => ({ households: 0, due: 0, visited: 0, overdue: 0 })
  const totals = empty()
  const byGrid = new Map<string, CoverageCounts>()
  const byBuilding = new Map<string, CoverageCounts>()
  const overdue: OverdueHousehold[] = []
  for (const h of rows) {
    const cadenceMs = h.cadence === null ? null : h.cadence * DAY_MS
    const due = cadenceMs !== null && (h.last_before_start === null || Number(h.last_before_start) + cadenceMs < q.to)
    const visited = due && h.in_period > 0
    const late = cadenceMs !== null && (h.last_before_at === null || Number(h.last_before_at) + cadenceMs < at)
    const grid = index.topGridOf(h.grid_id) ?? h.grid_id
    for (const c of [totals, ensure(byGrid, grid, empty), ...(h.building_id ? [ensure(byBuilding, h.building_id, empty)] : [])]) {
      c.households++
      if (due) c.due++
      if (visited) c.visited++
      if (late) c.overdue++
    }
    if (late) {
      const since = h.last_before_at === null ? null : Number(h.last_before_at)
      overdue.push({
        id: h.id,
        gridId: h.grid_id,
        address: h.address,
        headName: h.head_name,
        tags: h.tags,
        special: h.tags.some((t) => (SPECIAL_TAGS as readonly string[]).includes(t)),
        lastVisitAt: since,
        daysOverdue: since === null ? h.cadence! : Math.floor((at - since - cadenceMs!) / DAY_MS),
      })
    }
  }
  overdue.sort((a, b) => Number(b.special) - Number(a.special) || b.daysOverdue - a.daysOverdue || a.address.localeCompare(b.address))

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
    buildings: buildingRows.map((b) => ({ buildingId: b.id, name: b.name, compound: b.compound, location: b.location, ...byBuilding.get(b.id)! })),
    overdue: overdue.slice(0, q.overdueLimit ?? 200),
  }
}

function ensure<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key)
  if (v === undefined) map.set(key, (v = make()))
  return v
}
