/**
 * Patrol track geometry (日日巡), the same on phone and server: which GPS fixes to keep, distance,
 * gaps, simplification for drawing, building coverage and a compact text encoding of points.
 * Points are `[t (UTC ms), lng, lat, accuracy m]` in WGS84 (entities.ts `trackPointSchema`).
 * Pure: no DOM, no Node.
 */
import type { TrackPoint } from './entities'

/** A fix reported less precisely than this is dropped (metres). */
export const MAX_ACCURACY_M = 50
/** A fix closer than this to the last kept point adds nothing but noise (metres). */
export const MIN_STEP_M = 5
/** Faster than this between two fixes is a GPS jump, not a worker (m/s; 54 km/h). */
export const MAX_SPEED_MPS = 15
/** No kept fix for longer than this is a gap in the track (signal lost, indoors, screen off). */
export const GAP_MS = 2 * 60_000
/** A building within this distance of the walked track counts as passed (巡到). */
export const COVERAGE_RADIUS_M = 30

const EARTH_RADIUS_M = 6_371_008.8
const RAD = Math.PI / 180

export type LngLat = readonly [number, number]

/** Great-circle distance in metres between two [lng, lat] positions (haversine). */
export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = (b[1] - a[1]) * RAD
  const dLng = (b[0] - a[0]) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

const lngLatOf = (p: TrackPoint): LngLat => [p[1], p[2]]

export type FixVerdict = 'keep' | 'inaccurate' | 'too_close' | 'too_fast' | 'out_of_order'

/**
 * Whether a new fix joins the track, judged against the last kept point (null: the first fix).
 * Drops: accuracy worse than 50 m, a step under 5 m, a speed no walker or cyclist reaches, and a
 * fix older than the last kept one (watchPosition may replay a cached position).
 */
export function judgeFix(last: TrackPoint | null, fix: TrackPoint): FixVerdict {
  if (!(fix[3] <= MAX_ACCURACY_M)) return 'inaccurate'
  if (!last) return 'keep'
  const dt = (fix[0] - last[0]) / 1000
  if (dt <= 0) return 'out_of_order'
  const d = distanceM(lngLatOf(last), lngLatOf(fix))
  if (d < MIN_STEP_M) return 'too_close'
  if (d / dt > MAX_SPEED_MPS) return 'too_fast'
  return 'keep'
}

/** The fixes `judgeFix` keeps, in order. */
export function filterFixes(fixes: readonly TrackPoint[], last: TrackPoint | null = null): TrackPoint[] {
  const kept: TrackPoint[] = []
  let prev = last
  for (const f of fixes) {
    if (judgeFix(prev, f) !== 'keep') continue
    kept.push(f)
    prev = f
  }
  return kept
}

/** A stretch without fixes: from the last point before it to the first point after it. */
export interface TrackGap {
  from: number
  to: number
}

/** The track cut at every gap longer than `gapMs`: each run is drawn as one line. */
export function splitRuns(points: readonly TrackPoint[], gapMs = GAP_MS): TrackPoint[][] {
  const runs: TrackPoint[][] = []
  let run: TrackPoint[] = []
  for (let i = 0; i < points.length; i++) {
    if (i > 0 && points[i][0] - points[i - 1][0] > gapMs) {
      runs.push(run)
      run = []
    }
    run.push(points[i])
  }
  if (run.length) runs.push(run)
  return runs
}

/** Stretches without a kept fix for longer than `gapMs` — the one rule of phone, console and demo. */
export function findGaps(points: readonly { readonly 0: number }[], gapMs = GAP_MS): TrackGap[] {
  const gaps: TrackGap[] = []
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] - points[i - 1][0] > gapMs) gaps.push({ from: points[i - 1][0], to: points[i][0] })
  }
  return gaps
}

/** Each gap with the worker's note (lost signal, indoors …) where one overlaps it, else null. */
export function annotateGaps(gaps: readonly TrackGap[], notes: readonly { from: number; to: number; reason: string }[] = []): (TrackGap & { reason: string | null })[] {
  return gaps.map((g) => ({ ...g, reason: notes.find((n) => n.from < g.to && n.to > g.from)?.reason ?? null }))
}

/**
 * Metres walked: the sum of steps within each run. A gap is not bridged by a straight line —
 * nobody knows the way taken, and coverage, not distance, is what a patrol is judged by.
 */
export function trackDistanceM(points: readonly TrackPoint[], gapMs = GAP_MS): number {
  let total = 0
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] - points[i - 1][0] > gapMs) continue
    total += distanceM(lngLatOf(points[i - 1]), lngLatOf(points[i]))
  }
  return total
}

// ---------------------------------------------------------------------------------------------
// Local plane: over a few kilometres an equirectangular projection around the track's latitude
// is accurate to well under a metre, and much cheaper than spherical maths per segment.

interface Plane {
  x(lng: number): number
  y(lat: number): number
}

function planeAt(lat: number): Plane {
  const kx = EARTH_RADIUS_M * RAD * Math.cos(lat * RAD)
  const ky = EARTH_RADIUS_M * RAD
  return { x: (lng) => lng * kx, y: (lat2) => lat2 * ky }
}

/** Squared distance from point p to segment ab, in plane coordinates. */
function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
  t = t < 0 ? 0 : t > 1 ? 1 : t
  const ex = ax + t * dx - px
  const ey = ay + t * dy - py
  return ex * ex + ey * ey
}

/**
 * Douglas–Peucker simplification for drawing: keeps the first and last point and every point
 * that deviates more than `toleranceM` from the simplified line. Iterative (a day's track would
 * overflow a recursive one's stack on some phones).
 */
export function simplify<P extends TrackPoint | LngLat>(points: readonly P[], toleranceM: number): P[] {
  const n = points.length
  if (n <= 2 || toleranceM <= 0) return points.slice()
  // [t, lng, lat, acc] or [lng, lat]: read the numbers in place, no array per point.
  const off = points[0].length === 4 ? 1 : 0
  const plane = planeAt(points[0][off + 1])
  const xs = new Float64Array(n)
  const ys = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    xs[i] = plane.x(points[i][off])
    ys[i] = plane.y(points[i][off + 1])
  }
  const keep = new Uint8Array(n)
  keep[0] = keep[n - 1] = 1
  const tol2 = toleranceM * toleranceM
  const stack: number[] = [0, n - 1]
  while (stack.length) {
    const last = stack.pop()!
    const first = stack.pop()!
    // The segment's terms once per range; the loop below is the hot path of drawing a day's track.
    const ax = xs[first]
    const ay = ys[first]
    const dx = xs[last] - ax
    const dy = ys[last] - ay
    const len2 = dx * dx + dy * dy
    let maxD = -1
    let index = -1
    for (let i = first + 1; i < last; i++) {
      const px = xs[i] - ax
      const py = ys[i] - ay
      let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0
      t = t < 0 ? 0 : t > 1 ? 1 : t
      const ex = t * dx - px
      const ey = t * dy - py
      const d = ex * ex + ey * ey
      if (d > maxD) {
        maxD = d
        index = i
      }
    }
    if (index >= 0 && maxD > tol2) {
      keep[index] = 1
      stack.push(first, index, index, last)
    }
  }
  const out: P[] = []
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[i])
  return out
}

/**
 * Buildings passed: those within `radiusM` of the walked line (each run's segments; a lone point
 * counts as itself). Returns the ids of the buildings covered, in the order given.
 */
export function coveredBuildingIds(
  points: readonly TrackPoint[],
  buildings: readonly { id: string; location: LngLat }[],
  radiusM = COVERAGE_RADIUS_M,
  gapMs = GAP_MS,
): string[] {
  if (!points.length || !buildings.length) return []
  const plane = planeAt(points[0][2])
  const r2 = radiusM * radiusM
  const segs: number[] = [] // ax, ay, bx, by, … flattened
  for (const run of splitRuns(points, gapMs)) {
    if (run.length === 1) {
      const x = plane.x(run[0][1])
      const y = plane.y(run[0][2])
      segs.push(x, y, x, y)
    }
    for (let i = 1; i < run.length; i++) {
      segs.push(plane.x(run[i - 1][1]), plane.y(run[i - 1][2]), plane.x(run[i][1]), plane.y(run[i][2]))
    }
  }
  // A coarse bounding-box test first: most segments are far from most buildings.
  const covered: string[] = []
  for (const b of buildings) {
    const px = plane.x(b.location[0])
    const py = plane.y(b.location[1])
    for (let i = 0; i < segs.length; i += 4) {
      const ax = segs[i]
      const ay = segs[i + 1]
      const bx = segs[i + 2]
      const by = segs[i + 3]
      if (px < Math.min(ax, bx) - radiusM || px > Math.max(ax, bx) + radiusM) continue
      if (py < Math.min(ay, by) - radiusM || py > Math.max(ay, by) + radiusM) continue
      if (segDist2(px, py, ax, ay, bx, by) <= r2) {
        covered.push(b.id)
        break
      }
    }
  }
  return covered
}

// ---------------------------------------------------------------------------------------------
// Compact encoding: Google's polyline algorithm (zig-zag varints of deltas in printable ASCII),
// four numbers per point — time in whole seconds, lng and lat in 1e-6 degrees (≈ 0.1 m) and
// accuracy in whole metres. A fix every 5 s walking costs about 10 characters instead of ~45 of
// JSON. Lossy only to those units, which is below GPS precision.

const T_UNIT = 1000
const DEG_UNIT = 1e6

function pushVarint(out: string[], value: number): void {
  let v = value < 0 ? -value * 2 - 1 : value * 2 // zig-zag in arithmetic, safe beyond 32 bits
  while (v >= 0x20) {
    out.push(String.fromCharCode((0x20 | (v % 0x20)) + 63))
    v = Math.floor(v / 0x20)
  }
  out.push(String.fromCharCode(v + 63))
}

/** Points → a printable ASCII string (see above). */
export function encodeTrack(points: readonly TrackPoint[]): string {
  const out: string[] = []
  let pt = 0
  let px = 0
  let py = 0
  let pa = 0
  for (const [t, lng, lat, acc] of points) {
    const qt = Math.round(t / T_UNIT)
    const qx = Math.round(lng * DEG_UNIT)
    const qy = Math.round(lat * DEG_UNIT)
    const qa = Math.round(acc)
    pushVarint(out, qt - pt)
    pushVarint(out, qx - px)
    pushVarint(out, qy - py)
    pushVarint(out, qa - pa)
    pt = qt
    px = qx
    py = qy
    pa = qa
  }
  return out.join('')
}

/** The inverse of `encodeTrack`; throws on a string it did not make. */
export function decodeTrack(text: string): TrackPoint[] {
  const values: number[] = []
  let i = 0
  while (i < text.length) {
    let result = 0
    let factor = 1
    let c: number
    do {
      if (i >= text.length) throw new Error('truncated track encoding')
      c = text.charCodeAt(i++) - 63
      if (c < 0 || c > 63) throw new Error('invalid character in track encoding')
      result += (c & 0x1f) * factor
      factor *= 0x20
    } while (c >= 0x20)
    values.push(result % 2 === 1 ? -(result + 1) / 2 : result / 2)
  }
  if (values.length % 4 !== 0) throw new Error('track encoding does not hold whole points')
  const points: TrackPoint[] = []
  let t = 0
  let x = 0
  let y = 0
  let a = 0
  for (let k = 0; k < values.length; k += 4) {
    t += values[k]
    x += values[k + 1]
    y += values[k + 2]
    a += values[k + 3]
    points.push([t * T_UNIT, x / DEG_UNIT, y / DEG_UNIT, a])
  }
  return points
}

/** Whether `text` decodes to whole points (at most `max` of them). */
export function isTrackEncoding(text: string, max = 2000): boolean {
  try {
    return decodeTrack(text).length <= max
  } catch {
    return false
  }
}

/** A stored segment's points, whichever form it holds them in (`encoded` or `points`). */
export function segmentPoints(segment: { points: readonly TrackPoint[]; encoded?: string | null }): TrackPoint[] {
  return segment.encoded ? decodeTrack(segment.encoded) : segment.points.slice()
}

/** A point quantised to what the encoding keeps (so stored and encoded points agree exactly). */
export function quantizePoint(p: TrackPoint): TrackPoint {
  return [Math.round(p[0] / T_UNIT) * T_UNIT, Math.round(p[1] * DEG_UNIT) / DEG_UNIT, Math.round(p[2] * DEG_UNIT) / DEG_UNIT, Math.round(p[3])]
}

/** Whole-point summary of a finished or running patrol: what the summary screen leads with. */
export interface CoverageSummary {
  buildingsPassed: number
  buildingsTotal: number
  distanceM: number
  pointCount: number
  gaps: TrackGap[]
}

export function summarizeTrack(
  points: readonly TrackPoint[],
  buildings: readonly { id: string; location: LngLat }[],
): CoverageSummary {
  return {
    buildingsPassed: coveredBuildingIds(points, buildings).length,
    buildingsTotal: buildings.length,
    distanceM: trackDistanceM(points),
    pointCount: points.length,
    gaps: findGaps(points),
  }
}
