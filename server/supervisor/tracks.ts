/**
 * 轨迹回放: the patrols of one day for a worker or a grid, each with its track simplified for
 * drawing, its stops, gaps (with the worker's notes), the visits and issues of that walk as pins,
 * and its coverage first (buildings passed, checklist points) — then duration and distance.
 *
 * One statement reads the day's patrols with their segments (json_agg in seq order) on the
 * patrols' (workerId, startedAt) / startedAt indexes and the segments' patrolId index (009); the
 * geometry is the pure code of ./track.ts.
 */
import type { Queryable } from '../db/adapter'
import type { Patrol } from '../../src/domain/entities'
import type { TrackPoint } from '../../src/domain/entities'
import { coveredBuildingIds, segmentPoints, simplify, trackDistanceM } from '../../src/domain/track'
import { findGaps, findStops, type Point } from './track'
import type { GridIndex } from './grids'
import type { PatrolReplay, TrackPin } from '../../src/domain/console'

interface PatrolRow {
  patrol: Patrol
  worker_name: string | null
  /** A phone stores a segment's points encoded (src/domain/track encodeTrack); the demo as an array. */
  segments: { points: TrackPoint[] | null; encoded: string | null }[] | null
  items: number | null
}

export async function patrolReplays(
  db: Queryable,
  index: GridIndex,
  q: { from: number; to: number; workerId?: string; gridIds: string[] | null },
): Promise<PatrolReplay[]> {
  const { rows } = await db.query<PatrolRow>(
    `SELECT p.data AS patrol, u.data->>'name' AS worker_name,
            (SELECT json_agg(json_build_object('points', s.data->'points', 'encoded', s.data->'encoded') ORDER BY (s.data->>'seq')::int)
               FROM records s
              WHERE s.entity = 'trackSegments' AND s.data->>'patrolId' = p.id::text AND NOT s.deleted) AS segments,
            (SELECT jsonb_array_length(c.data->'items') FROM records c
              WHERE c.entity = 'checklists' AND c.id = (p.data->>'checklistId')::uuid) AS items
       FROM records p
       LEFT JOIN records u ON u.entity = 'users' AND u.id = (p.data->>'workerId')::uuid
      WHERE p.entity = 'patrols' AND NOT p.deleted
        AND (p.data->>'startedAt')::bigint >= $1 AND (p.data->>'startedAt')::bigint < $2
        AND ($3::text IS NULL OR p.data->>'workerId' = $3)
        AND ($4::uuid[] IS NULL OR p.grid_id = ANY($4::uuid[]))
      ORDER BY (p.data->>'startedAt')::bigint`,
    [q.from, q.to, q.workerId ?? null, q.gridIds],
  )
  if (!rows.length) return []

  // Buildings of every grid walked that day, once.
  const gridsWalked = new Set(rows.flatMap((r) => index.subtree(r.patrol.gridId)))
  const { rows: buildings } = await db.query<{ id: string; grid_id: string; location: [number, number] }>(
    `SELECT id::text AS id, grid_id::text AS grid_id, data->'location' AS location
       FROM records WHERE entity = 'buildings' AND NOT deleted AND grid_id = ANY($1::uuid[])`,
    [[...gridsWalked]],
  )

  const windows = rows.map((r) => ({ id: r.patrol.id, workerId: r.patrol.workerId, from: r.patrol.startedAt, to: endOf(r) }))
  const pins = await loadPins(db, windows)

  return rows.map((r) => {
    const p = r.patrol
    const points: TrackPoint[] = (r.segments ?? []).flatMap((seg) => segmentPoints({ points: seg.points ?? [], encoded: seg.encoded }))
    const subtree = new Set(index.subtree(p.gridId))
    const own = buildings.filter((b) => subtree.has(b.grid_id))
    const answered = p.answers.filter((a) => a.status === 'ok' || a.status === 'problem' || a.status === 'na')
    const end = endOf(r)
    return {
      id: p.id,
      workerId: p.workerId,
      workerName: r.worker_name ?? '',
      gridId: p.gridId,
      gridName: index.byId.get(p.gridId)?.name ?? '',
      startedAt: p.startedAt,
      endedAt: p.endedAt,
      coverage: {
        // The phone's rule (src/domain/track): the summary on the phone and the console agree.
        buildingsPassed: coveredBuildingIds(points, own.map((b) => ({ id: b.id, location: b.location }))).length,
        buildingsTotal: own.length,
        checklistDone: answered.length,
        checklistTotal: r.items ?? answered.length,
        problems: p.answers.filter((a) => a.status === 'problem').length,
      },
      durationMs: Math.max(0, end - p.startedAt),
      distanceM: Math.round(points.length > 1 ? trackDistanceM(points) : p.distanceM),
      pointCount: points.length,
      track: simplify(points, 5).map((pt) => [pt[0], pt[1], pt[2]] as [number, number, number]),
      stops: findStops(points as Point[]),
      gaps: findGaps(points as Point[], p.gapNotes ?? []),
      pins: pins.get(p.id) ?? [],
    }
  })
}

function endOf(r: PatrolRow): number {
  const seg = r.segments?.at(-1)
  const last = seg ? segmentPoints({ points: seg.points ?? [], encoded: seg.encoded }).at(-1) : undefined
  return r.patrol.endedAt ?? (last ? last[0] : r.patrol.startedAt)
}

/**
 * Visits the worker made during the walk and issues reported from it (source patrol with its id,
 * or by the worker during the walk), where a location was recorded.
 */
async function loadPins(db: Queryable, windows: { id: string; workerId: string; from: number; to: number }[]): Promise<Map<string, TrackPin[]>> {
  const { rows } = await db.query<{ patrol_id: string; kind: 'visit' | 'issue'; id: string; at: number; lng: number; lat: number; label: string }>(
    `WITH w AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, "workerId" text, "from" bigint, "to" bigint)
     )
     SELECT w.id AS patrol_id, 'visit' AS kind, v.id::text AS id, (v.data->>'startedAt')::bigint AS at,
            (v.data->'location'->>'lng')::float8 AS lng, (v.data->'location'->>'lat')::float8 AS lat,
            coalesce(h.data->>'address', '') AS label
       FROM w
       JOIN records v ON v.entity = 'visits' AND NOT v.deleted
        AND (v.data->>'startedAt')::bigint BETWEEN w."from" AND w."to" AND v.data->>'workerId' = w."workerId"
        AND jsonb_typeof(v.data->'location') = 'object'
       LEFT JOIN records h ON h.entity = 'households' AND h.id = (v.data->>'householdId')::uuid
     UNION ALL
     SELECT w.id, 'issue', i.id::text, (i.data->>'reportedAt')::bigint,
            (i.data->'location'->>'lng')::float8, (i.data->'location'->>'lat')::float8, i.data->>'title'
       FROM w
       JOIN records i ON i.entity = 'issues' AND NOT i.deleted AND jsonb_typeof(i.data->'location') = 'object'
        AND (i.data->>'sourceId' = w.id
             OR (i.data->>'reportedBy' = w."workerId" AND (i.data->>'reportedAt')::bigint BETWEEN w."from" AND w."to"))
     ORDER BY 4`,
    [JSON.stringify(windows)],
  )
  const out = new Map<string, TrackPin[]>()
  for (const r of rows) {
    const list = out.get(r.patrol_id) ?? []
    list.push({ kind: r.kind, id: r.id, at: Number(r.at), lng: r.lng, lat: r.lat, label: r.label })
    out.set(r.patrol_id, list)
  }
  return out
}
