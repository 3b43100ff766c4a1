/**
 * 日日巡 of the demo: for each worker and each of the last `days` days (yesterday included), a
 * patrol that walks from building to building through part of their grid, with a GPS fix every
 * 15 s stored in segments of up to 500 points, stops of a few minutes at some buildings, and now
 * and then a gap the worker annotated (a basement without signal). Some days a worker does not
 * patrol, so the console's calendar has gaps to show. Yesterday everybody patrols.
 *
 * Deterministic: its own PRNG and id streams from the seed, so the rest of the demo does not
 * depend on how many patrols are drawn. `days: 90` with 20,000 households is the console
 * benchmark's "90 days of tracks".
 */
import type { Building, Checklist, Grid, Patrol, TrackSegment, User } from '../src/domain/entities'
import { createIdFactory, createRng, type Rng } from './random'

export interface PatrolInput {
  seed: number
  now: number
  days: number
  hlc: string
  grids: readonly Grid[]
  buildings: readonly Building[]
  workersByGrid: ReadonlyMap<string, readonly User[]>
  checklist: Checklist
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const SHANGHAI_OFFSET = 8 * HOUR
const WALK_MPS = 1.1
const FIX_EVERY_MS = 15_000
const SEGMENT_POINTS = 500
const SKIP_DAY_CHANCE = 0.12
const GAP_REASONS = ['进入地下车库检查，手机无信号', '在楼道内入户，定位不准', '手机没电，充电后继续']

type Fix = [number, number, number, number]

export function generatePatrols(input: PatrolInput): { patrols: Patrol[]; trackSegments: TrackSegment[] } {
  const rng = createRng((input.seed ^ 0x7135) >>> 0)
  const newId = createIdFactory(createRng((input.seed ^ 0x5eed7135) >>> 0))
  const patrols: Patrol[] = []
  const trackSegments: TrackSegment[] = []

  const gridOf = new Map(input.grids.map((g) => [g.id, g]))
  const buildingsOf = new Map<string, Building[]>()
  for (const b of input.buildings) {
    const micro = gridOf.get(b.gridId)
    const gridId = micro?.level === 'micro' && micro.parentId ? micro.parentId : b.gridId
    const list = buildingsOf.get(gridId) ?? []
    list.push(b)
    buildingsOf.set(gridId, list)
  }
  // A walkable order: west to east in bands of latitude, alternating direction (serpentine).
  for (const list of buildingsOf.values()) {
    const lats = list.map((b) => b.location[1])
    const south = Math.min(...lats)
    const band = (b: Building) => Math.floor((b.location[1] - south) / 0.0012)
    list.sort((a, b) => band(a) - band(b) || (band(a) % 2 ? b.location[0] - a.location[0] : a.location[0] - b.location[0]))
  }

  const today = Math.floor((input.now + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET
  for (let daysAgo = input.days; daysAgo >= 1; daysAgo--) {
    for (const [gridId, workers] of input.workersByGrid) {
      const route = buildingsOf.get(gridId) ?? []
      workers.forEach((worker, w) => {
        if (daysAgo > 1 && rng.chance(SKIP_DAY_CHANCE)) return
        const startedAt = today - daysAgo * DAY + 8 * HOUR + rng.int(0, 2 * HOUR / 1000) * 1000
        // Workers of a grid share it out: each walks about half of it, a different half each day.
        const take = Math.max(2, Math.ceil(route.length / 2))
        const offset = route.length ? (daysAgo * 7 + w * Math.ceil(route.length / workers.length)) % route.length : 0
        const stops = Array.from({ length: Math.min(take, route.length) }, (_, i) => route[(offset + i) % route.length].location)
        const { points, gapNotes } = walk(rng, stops, startedAt)
        const endedAt = points.length ? points[points.length - 1][0] : startedAt
        const skipped = rng.chance(0.1) ? rng.int(1, 3) : 0
        const patrol: Patrol = {
          id: newId(startedAt), hlc: input.hlc, deleted: false, gridId, workerId: worker.id, startedAt, endedAt,
          checklistId: input.checklist.id, checklistVersion: input.checklist.version,
          answers: input.checklist.items.slice(0, input.checklist.items.length - skipped).map((item) => {
            const problem = rng.chance(0.06)
            return { itemId: item.id, status: problem ? ('problem' as const) : ('ok' as const), note: problem ? `${item.label.split('（')[0]}：发现问题，已现场劝导` : '', photoIds: [] }
          }),
          distanceM: Math.round(pathLengthM(points)), pointCount: points.length,
          ...(gapNotes.length ? { gapNotes } : {}),
        }
        patrols.push(patrol)
        for (let seq = 0; seq * SEGMENT_POINTS < points.length; seq++) {
          const chunk = points.slice(seq * SEGMENT_POINTS, (seq + 1) * SEGMENT_POINTS)
          trackSegments.push({ id: newId(chunk[0][0]), hlc: input.hlc, deleted: false, patrolId: patrol.id, workerId: worker.id, seq, points: chunk })
        }
      })
    }
  }
  return { patrols, trackSegments }
}

function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  const kx = 111_320 * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180)
  return Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * 111_320)
}

function pathLengthM(points: Fix[]): number {
  let total = 0
  for (let i = 1; i < points.length; i++) total += distanceM([points[i - 1][1], points[i - 1][2]], [points[i][1], points[i][2]])
  return total
}

const fix = (rng: Rng, t: number, lng: number, lat: number, noise: number): Fix => [
  t,
  Math.round((lng + (rng.next() - 0.5) * noise) * 1e6) / 1e6,
  Math.round((lat + (rng.next() - 0.5) * noise) * 1e6) / 1e6,
  rng.int(4, 20),
]

/**
 * Fixes of walking from stop to stop at a steady pace with a few metres of noise; at about one
 * stop in five the worker stays 3–8 minutes; on one patrol in ten, a stretch of 4–7 minutes has
 * no fixes and carries the worker's note.
 */
function walk(rng: Rng, stops: readonly (readonly [number, number])[], start: number): { points: Fix[]; gapNotes: { from: number; to: number; reason: string }[] } {
  const points: Fix[] = []
  const gapNotes: { from: number; to: number; reason: string }[] = []
  let t = start
  const gapAt = stops.length > 2 && rng.chance(0.1) ? rng.int(1, stops.length - 2) : -1
  for (let i = 0; i < stops.length; i++) {
    const here = stops[i]
    if (rng.chance(0.2)) {
      const stay = rng.int(3, 8) * MINUTE
      for (const end = t + stay; t < end; t += FIX_EVERY_MS) points.push(fix(rng, t, here[0], here[1], 0.00008))
    }
    if (i === gapAt) {
      const from = t
      t += rng.int(4, 7) * MINUTE
      gapNotes.push({ from, to: t, reason: rng.pick(GAP_REASONS) })
    }
    if (i + 1 === stops.length) break
    const next = stops[i + 1]
    const steps = Math.max(1, Math.round(distanceM(here, next) / ((WALK_MPS * FIX_EVERY_MS) / 1000)))
    for (let s = 0; s < steps; s++) {
      const f = s / steps
      points.push(fix(rng, t, here[0] + (next[0] - here[0]) * f, here[1] + (next[1] - here[1]) * f, 0.00006))
      t += FIX_EVERY_MS
    }
  }
  if (stops.length) points.push(fix(rng, t, stops[stops.length - 1][0], stops[stops.length - 1][1], 0))
  return { points, gapNotes }
}
