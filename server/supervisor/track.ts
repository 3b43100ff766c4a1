/**
 * Pure geometry of a patrol track for 轨迹回放: simplification for drawing, stops, gaps and the
 * buildings passed. Points are [t (UTC ms), lng, lat, accuracy] as stored in trackSegments.
 * Distances use a local equirectangular projection: exact enough within one community.
 * (Helper "patrol" may move a shared coverage rule to src/domain; switch to it at merge.)
 */
export type Point = readonly [number, number, number, number?]

const M_PER_DEG = 111_320

export function distanceM(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const kx = M_PER_DEG * Math.cos((((aLat + bLat) / 2) * Math.PI) / 180)
  return Math.hypot((bLng - aLng) * kx, (bLat - aLat) * M_PER_DEG)
}

/** Length of the walk in metres. */
export function pathLength(points: readonly Point[]): number {
  let total = 0
  for (let i = 1; i < points.length; i++) total += distanceM(points[i - 1][1], points[i - 1][2], points[i][1], points[i][2])
  return total
}

/** Distance from p to the segment a–b, in metres. */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const kx = M_PER_DEG * Math.cos((a[2] * Math.PI) / 180)
  const ax = a[1] * kx, ay = a[2] * M_PER_DEG
  const bx = b[1] * kx - ax, by = b[2] * M_PER_DEG - ay
  const px = p[1] * kx - ax, py = p[2] * M_PER_DEG - ay
  const len2 = bx * bx + by * by
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * bx + py * by) / len2))
  return Math.hypot(px - t * bx, py - t * by)
}

/**
 * Douglas–Peucker with an explicit stack (an 8-hour track has ~6,000 fixes; recursion depth
 * would follow them). Keeps first and last points and every point further than `toleranceM`
 * from the simplified line; keeps time, so the replay slider still walks the real pace.
 */
export function simplifyTrack(points: readonly Point[], toleranceM = 5): Point[] {
  if (points.length <= 2) return points.slice()
  const keep = new Uint8Array(points.length)
  keep[0] = keep[points.length - 1] = 1
  const stack: [number, number][] = [[0, points.length - 1]]
  while (stack.length) {
    const [from, to] = stack.pop()!
    let worst = -1
    let worstD = toleranceM
    for (let i = from + 1; i < to; i++) {
      const d = segmentDistance(points[i], points[from], points[to])
      if (d > worstD) {
        worst = i
        worstD = d
      }
    }
    if (worst >= 0) {
      keep[worst] = 1
      stack.push([from, worst], [worst, to])
    }
  }
  return points.filter((_, i) => keep[i] === 1)
}

export interface Stop {
  from: number
  to: number
  lng: number
  lat: number
}

/**
 * Places the worker stayed within `radiusM` for at least `minMs` (a talk, a check, a visit).
 * A stretch without fixes (a gap, see findGaps) ends a stop: where the worker was then is unknown.
 */
export function findStops(points: readonly Point[], minMs = 3 * 60_000, radiusM = 25, maxFixGapMs = 2 * 60_000): Stop[] {
  const stops: Stop[] = []
  let i = 0
  while (i < points.length) {
    let j = i + 1
    while (
      j < points.length &&
      points[j][0] - points[j - 1][0] < maxFixGapMs &&
      distanceM(points[i][1], points[i][2], points[j][1], points[j][2]) <= radiusM
    ) j++
    const last = j - 1
    if (points[last][0] - points[i][0] >= minMs) {
      let lng = 0, lat = 0
      for (let k = i; k <= last; k++) {
        lng += points[k][1]
        lat += points[k][2]
      }
      const n = last - i + 1
      stops.push({ from: points[i][0], to: points[last][0], lng: lng / n, lat: lat / n })
      i = j
    } else i++
  }
  return stops
}

export interface Gap {
  from: number
  to: number
  /** The worker's annotation of the gap (lost signal, indoors …), when one overlaps it. */
  reason: string | null
}

/** Stretches without a fix for longer than `minMs`, with the worker's note where one overlaps. */
export function findGaps(points: readonly Point[], notes: readonly { from: number; to: number; reason: string }[] = [], minMs = 2 * 60_000): Gap[] {
  const gaps: Gap[] = []
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1][0], to = points[i][0]
    if (to - from < minMs) continue
    const note = notes.find((n) => n.from < to && n.to > from)
    gaps.push({ from, to, reason: note?.reason ?? null })
  }
  return gaps
}

/**
 * Ids of the buildings the walk passed within `radiusM`. Points are bucketed in a grid of cells
 * about `radiusM` wide, so each building looks at nine cells instead of every point.
 */
export function buildingsPassed(
  points: readonly Point[],
  buildings: readonly { id: string; location: readonly [number, number] }[],
  radiusM = 40,
): string[] {
  if (!points.length) return []
  const cellLat = radiusM / M_PER_DEG
  const cellLng = radiusM / (M_PER_DEG * Math.cos((points[0][2] * Math.PI) / 180))
  const cells = new Map<string, Point[]>()
  for (const p of points) {
    const key = `${Math.floor(p[1] / cellLng)}:${Math.floor(p[2] / cellLat)}`
    const list = cells.get(key)
    if (list) list.push(p)
    else cells.set(key, [p])
  }
  const passed: string[] = []
  for (const b of buildings) {
    const cx = Math.floor(b.location[0] / cellLng), cy = Math.floor(b.location[1] / cellLat)
    search: for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const p of cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          if (distanceM(p[1], p[2], b.location[0], b.location[1]) <= radiusM) {
            passed.push(b.id)
            break search
          }
        }
      }
    }
  }
  return passed
}
