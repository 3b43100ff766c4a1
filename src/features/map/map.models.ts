/**
 * The shared grid map's data, as plain values (no Leaflet here): what the patrol tab, the ledger
 * and the supervisor console hand to <GridMap>. Coordinates are WGS84 [lng, lat]; GridMap turns
 * them into the tiles' system for display only. Use:
 *
 *   const GridMap = defineAsyncComponent(() => import('@/features/map/GridMap.vue'))
 *   <GridMap :boundaries="boundariesOf(grids)" :buildings="buildingsOnMap(…)"
 *            :position="{ lng, lat, accuracy }" :tracks="[trackOnMap(id, points)]" fit="tracks" />
 *
 * (records from src/db/map.ts `gridMapRecords`; a segment's points from `segmentPoints`).
 */
import { HOUSEHOLD_TAGS } from '@/domain/constants'
import type { Building, Grid, Household, TrackPoint } from '@/domain/entities'
import { splitRuns, simplify } from '@/domain/track'

export type LngLat = [number, number]

export interface MapBoundary {
  id: string
  name: string
  level: Grid['level']
  /** Exterior ring, closed. */
  ring: LngLat[]
}

/** Visit state of a building: the worst of its households (overdue > due > done). */
export type VisitState = 'overdue' | 'due' | 'done' | 'none'

export interface MapBuilding {
  id: string
  name: string
  location: LngLat
  households: number
  state: VisitState
}

export interface MapPosition {
  lng: number
  lat: number
  /** metres (radius of the accuracy circle) */
  accuracy: number
}

/** A track to draw: each run is one line; the breaks between runs are gaps (signal lost …). */
export interface MapTrack {
  id: string
  runs: LngLat[][]
  /** Highlight (the active patrol) or not (history, other workers). */
  active?: boolean
}

export function boundariesOf(grids: readonly Grid[]): MapBoundary[] {
  return grids
    .filter((g) => g.boundary && g.level !== 'community')
    .map((g) => ({ id: g.id, name: g.name, level: g.level, ring: g.boundary!.coordinates[0].map(([x, y]) => [x, y] as LngLat) }))
}

const DAY_MS = 86_400_000
/** A household with no tag asking for more is visited at least once a quarter (敲门入户). */
export const DEFAULT_CADENCE_DAYS = 90
/** "Due" starts this many days before the cadence runs out. */
export const DUE_SOON_DAYS = 3

/** Days between visits a household asks for: its own cadence, else the strictest of its tags. */
export function cadenceDaysOf(h: Pick<Household, 'tags' | 'cadenceDays'>): number {
  if (h.cadenceDays) return h.cadenceDays
  let days = DEFAULT_CADENCE_DAYS
  for (const t of h.tags) {
    const def = HOUSEHOLD_TAGS.find((d) => d.code === t) as { cadenceDays?: number } | undefined
    if (def?.cadenceDays && def.cadenceDays < days) days = def.cadenceDays
  }
  return days
}

/**
 * A simple cadence rule until the ledger's visit-cadence module lands: never visited or past its
 * cadence → overdue; within DUE_SOON_DAYS of it → due; otherwise done.
 */
export function householdVisitState(h: Pick<Household, 'tags' | 'cadenceDays'>, lastVisitAt: number | undefined, now: number): VisitState {
  if (lastVisitAt === undefined) return 'overdue'
  const left = lastVisitAt + cadenceDaysOf(h) * DAY_MS - now
  if (left < 0) return 'overdue'
  if (left < DUE_SOON_DAYS * DAY_MS) return 'due'
  return 'done'
}

const RANK: Record<VisitState, number> = { none: 0, done: 1, due: 2, overdue: 3 }

export function buildingsOnMap(
  buildings: readonly Building[],
  households: readonly Pick<Household, 'id' | 'buildingId' | 'tags' | 'cadenceDays'>[],
  lastVisit: ReadonlyMap<string, number>,
  now: number,
): MapBuilding[] {
  const count = new Map<string, number>()
  const state = new Map<string, VisitState>()
  for (const h of households) {
    if (!h.buildingId) continue
    count.set(h.buildingId, (count.get(h.buildingId) ?? 0) + 1)
    const s = householdVisitState(h, lastVisit.get(h.id), now)
    const prev = state.get(h.buildingId) ?? 'none'
    if (RANK[s] > RANK[prev]) state.set(h.buildingId, s)
  }
  return buildings.map((b) => ({
    id: b.id,
    name: `${b.compound}${b.name}`,
    location: [b.location[0], b.location[1]],
    households: count.get(b.id) ?? 0,
    state: state.get(b.id) ?? 'none',
  }))
}

/** A track ready to draw: cut at gaps, simplified to `toleranceM` (about a screen pixel). */
export function trackOnMap(id: string, points: readonly TrackPoint[], toleranceM = 2, active = false): MapTrack {
  return {
    id,
    active,
    runs: splitRuns(points).map((run) => simplify(run, toleranceM).map((p) => [p[1], p[2]] as LngLat)),
  }
}

/** Bounding box [west, south, east, north] of rings and points (null when empty). */
export function boundsOf(rings: readonly (readonly LngLat[])[]): [number, number, number, number] | null {
  let w = Infinity
  let s = Infinity
  let e = -Infinity
  let n = -Infinity
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < w) w = x
      if (x > e) e = x
      if (y < s) s = y
      if (y > n) n = y
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null
}
