/**
 * Geometry only 轨迹回放 needs: stops and gaps with the worker's notes. Distance, simplification and
 * the buildings passed are the phone's own rules in src/domain/track. Points are [t (UTC ms), lng, lat, accuracy] as stored in trackSegments.
 * Distance and gaps are src/domain/track's (one rule for phone, console and demo).
 */
import { GAP_MS, annotateGaps, distanceM, findGaps as findDomainGaps, type TrackGap } from '../../src/domain/track'

export type Point = readonly [number, number, number, number?]

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
      distanceM([points[i][1], points[i][2]], [points[j][1], points[j][2]]) <= radiusM
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

/** A gap of the track with the worker's note: src/domain/track's rule (findGaps + annotateGaps). */
export type Gap = TrackGap & { reason: string | null }

/** Stretches without a fix for longer than `minMs`, with the worker's note where one overlaps. */
export function findGaps(points: readonly Point[], notes: readonly { from: number; to: number; reason: string }[] = [], minMs = GAP_MS): Gap[] {
  return annotateGaps(findDomainGaps(points, minMs), notes)
}
