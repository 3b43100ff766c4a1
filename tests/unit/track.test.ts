import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { safeParseRecord, type TrackPoint } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import {
  annotateGaps,
  COVERAGE_RADIUS_M,
  GAP_MS,
  coveredBuildingIds,
  decodeTrack,
  distanceM,
  encodeTrack,
  filterFixes,
  findGaps,
  judgeFix,
  isTrackEncoding,
  quantizePoint,
  segmentPoints,
  simplify,
  splitRuns,
  trackDistanceM,
} from '@/domain/track'

// Around Laixi (the demo community): 1e-5 degrees of latitude ≈ 1.11 m.
const LNG = 120.52
const LAT = 36.86
const M_LAT = 1 / 111_195 // degrees of latitude per metre (haversine earth radius)
const M_LNG = M_LAT / Math.cos((LAT * Math.PI) / 180)

/** A point `east` m and `north` m from the origin at second `s`. */
const at = (s: number, east: number, north: number, acc = 5): TrackPoint => [1_763_880_000_000 + s * 1000, LNG + east * M_LNG, LAT + north * M_LAT, acc]

describe('distanceM', () => {
  it('measures metres along a meridian and a parallel', () => {
    expect(distanceM([LNG, LAT], [LNG, LAT + 100 * M_LAT])).toBeCloseTo(100, 1)
    expect(distanceM([LNG, LAT], [LNG + 100 * M_LNG, LAT])).toBeCloseTo(100, 0)
    expect(distanceM([LNG, LAT], [LNG, LAT])).toBe(0)
  })

  it('sums a track and does not bridge a gap', () => {
    const track = [at(0, 0, 0), at(10, 0, 50), at(20, 0, 100)]
    expect(trackDistanceM(track)).toBeCloseTo(100, 0)
    const gapped = [...track, at(20 + GAP_MS / 1000 + 1, 0, 400)]
    expect(trackDistanceM(gapped)).toBeCloseTo(100, 0)
  })
})

describe('fix filter', () => {
  it('keeps the first accurate fix and drops a worse than 50 m one', () => {
    expect(judgeFix(null, at(0, 0, 0, 50))).toBe('keep')
    expect(judgeFix(null, at(0, 0, 0, 51))).toBe('inaccurate')
  })

  it('drops a fix under 5 m from the last kept point', () => {
    expect(judgeFix(at(0, 0, 0), at(5, 0, 4))).toBe('too_close')
    expect(judgeFix(at(0, 0, 0), at(5, 0, 6))).toBe('keep')
  })

  it('drops an impossible speed and a replayed older fix', () => {
    expect(judgeFix(at(0, 0, 0), at(1, 0, 100))).toBe('too_fast')
    expect(judgeFix(at(0, 0, 0), at(10, 0, 100))).toBe('keep')
    expect(judgeFix(at(10, 0, 0), at(5, 0, 50))).toBe('out_of_order')
  })

  it('judges each fix against the last KEPT point, not the last seen', () => {
    const fixes = [at(0, 0, 0), at(5, 0, 3), at(10, 0, 6), at(11, 0, 300), at(20, 0, 20)]
    expect(filterFixes(fixes)).toEqual([fixes[0], fixes[2], fixes[4]])
  })
})

describe('gaps', () => {
  it('splits runs and reports gaps longer than the limit', () => {
    const gapS = GAP_MS / 1000 + 30
    const pts = [at(0, 0, 0), at(10, 0, 20), at(10 + gapS, 0, 40), at(20 + gapS, 0, 60)]
    expect(splitRuns(pts).map((r) => r.length)).toEqual([2, 2])
    expect(findGaps(pts)).toEqual([{ from: pts[1][0], to: pts[2][0] }])
    expect(findGaps(pts.slice(0, 2))).toEqual([])
  })
})

describe('simplify', () => {
  it('drops points on a straight line and keeps a corner', () => {
    const line = Array.from({ length: 21 }, (_, i) => at(i * 5, 0, i * 10))
    expect(simplify(line, 1)).toEqual([line[0], line[20]])
    const corner = [...line, ...Array.from({ length: 10 }, (_, i) => at(200 + i * 5, (i + 1) * 10, 200))]
    const s = simplify(corner, 1)
    expect(s).toEqual([corner[0], line[20], corner[corner.length - 1]])
  })

  it('never moves the simplified line further than the tolerance from any point', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 })), { minLength: 3, maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (xy, tol) => {
        const pts = xy.map(([e, n], i) => at(i * 5, e, n))
        const s = simplify(pts, tol)
        expect(s[0]).toBe(pts[0])
        expect(s[s.length - 1]).toBe(pts[pts.length - 1])
        // each original point lies within tol (+ rounding) of the polyline through s
        for (const p of pts) {
          let best = Infinity
          for (let i = 1; i < s.length; i++) best = Math.min(best, pointSegM(p, s[i - 1], s[i]))
          expect(best).toBeLessThanOrEqual(tol + 0.5)
        }
      }),
      { numRuns: 200 },
    )
  })
})

/** Distance in metres from p to segment ab, by the same local plane the tests build points on. */
function pointSegM(p: TrackPoint, a: TrackPoint, b: TrackPoint): number {
  const x = (q: TrackPoint) => (q[1] - LNG) / M_LNG
  const y = (q: TrackPoint) => (q[2] - LAT) / M_LAT
  const dx = x(b) - x(a)
  const dy = y(b) - y(a)
  const len2 = dx * dx + dy * dy
  const t = len2 ? Math.max(0, Math.min(1, ((x(p) - x(a)) * dx + (y(p) - y(a)) * dy) / len2)) : 0
  return Math.hypot(x(a) + t * dx - x(p), y(a) + t * dy - y(p))
}

describe('building coverage', () => {
  const building = (id: string, east: number, north: number) => ({ id, location: [LNG + east * M_LNG, LAT + north * M_LAT] as [number, number] })

  it('counts buildings within 30 m of the walked line, also between two fixes', () => {
    const track = [at(0, 0, 0), at(20, 0, 200)]
    const bs = [building('near-mid', 25, 100), building('far', 40, 100), building('beyond-end', 0, 235), building('at-start', -29, 0)]
    expect(COVERAGE_RADIUS_M).toBe(30)
    expect(coveredBuildingIds(track, bs)).toEqual(['near-mid', 'at-start'])
  })

  it('does not count a building only a gap passes by', () => {
    const gapS = GAP_MS / 1000 + 10
    const track = [at(0, 0, 0), at(gapS, 0, 200)]
    expect(coveredBuildingIds(track, [building('mid', 0, 100), building('end', 0, 200)])).toEqual(['end'])
  })

  it('covers nothing without a track', () => {
    expect(coveredBuildingIds([], [building('a', 0, 0)])).toEqual([])
  })
})

describe('compact encoding', () => {
  it('round-trips a walked track exactly at its units and is far smaller than JSON', () => {
    const track = Array.from({ length: 720 }, (_, i) => at(i * 5, Math.sin(i / 20) * 300, i * 4, 3 + (i % 20)))
    const q = track.map(quantizePoint)
    const text = encodeTrack(track)
    expect(decodeTrack(text)).toEqual(q)
    expect(text.length).toBeLessThan(JSON.stringify(q).length / 3)
  })

  it('round-trips any points, west and south included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 4_000_000_000 }),
            fc.integer({ min: -180_000_000, max: 180_000_000 }),
            fc.integer({ min: -90_000_000, max: 90_000_000 }),
            fc.integer({ min: 0, max: 100_000 }),
          ),
          { maxLength: 50 },
        ),
        (raw) => {
          const pts: TrackPoint[] = raw.map(([s, x, y, a]) => [s * 1000, x / 1e6, y / 1e6, a])
          expect(decodeTrack(encodeTrack(pts))).toEqual(pts)
        },
      ),
    )
  })

  it('reads a segment in either form, and the schema check accepts only real encodings', () => {
    const pts = [at(0, 0, 0), at(5, 0, 10)].map(quantizePoint)
    expect(segmentPoints({ points: [], encoded: encodeTrack(pts) })).toEqual(pts)
    expect(segmentPoints({ points: pts })).toEqual(pts)
    expect(isTrackEncoding(encodeTrack(pts))).toBe(true)
    expect(isTrackEncoding(encodeTrack(pts), 1)).toBe(false)
    expect(isTrackEncoding('not a track')).toBe(false)
  })

  it('is what a trackSegments record may carry instead of points; the schema refuses a broken one by field', () => {
    const pts = Array.from({ length: 50 }, (_, i) => quantizePoint(at(i * 5, i, i * 7)))
    const seg = { id: uuidv7(), hlc: '001763880000000-00000-phone1', deleted: false, patrolId: uuidv7(), workerId: uuidv7(), seq: 0, points: [], encoded: encodeTrack(pts) }
    expect(safeParseRecord('trackSegments', seg).ok).toBe(true)
    const bad = safeParseRecord('trackSegments', { ...seg, encoded: 'not a track' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.message).toMatch(/^encoded: /)
  })

  it('refuses text it did not make', () => {
    expect(() => decodeTrack('~')).toThrow()
    expect(() => decodeTrack('??')).toThrow(/whole points/)
  })
})

describe('gaps: one rule for phone, console and demo', () => {
  it('finds stretches over GAP_MS without a fix and attaches the overlapping note', () => {
    const pts = [[0], [60_000], [400_000], [401_000]] as const
    expect(findGaps(pts)).toEqual([{ from: 60_000, to: 400_000 }])
    expect(annotateGaps(findGaps(pts), [{ from: 100_000, to: 200_000, reason: '地下室' }])).toEqual([{ from: 60_000, to: 400_000, reason: '地下室' }])
    expect(annotateGaps(findGaps(pts), [{ from: 0, to: 50_000, reason: '别处' }])).toEqual([{ from: 60_000, to: 400_000, reason: null }])
  })
})
