/**
 * The console's data (GET /api/supervisor/…) as <GridMap> props: 轨迹回放's walks and 走访覆盖's
 * buildings. Pure; TrackMap.vue and BuildingsMap.vue are thin adapters over these.
 */
import type { CoverageAnswer, GridNode, PatrolReplay } from '@/domain/console'
import { boundariesOf, type LngLat, type MapBoundary, type MapBuilding, type MapPin, type MapTrack } from './map.models'

/** Walk colours: apart from the grid outlines, the pins and each other. The first is the test's. */
export const WALK_COLOURS = ['#1989fa', '#7232dd', '#07c160', '#ff976a']
const STOP_COLOUR = '#ff976a'
const PIN_COLOURS = { visit: '#1989fa', issue: '#ee0a24' } as const

/** The grids walked, with their micro-grids; the other grids of the community faint around them. */
export function replayBoundaries(grids: readonly GridNode[], patrols: readonly PatrolReplay[]): MapBoundary[] {
  const walked = new Set(patrols.map((p) => p.gridId))
  const shown = grids.filter((g) => g.level === 'grid' || (g.level === 'micro' && walked.has(g.parentId ?? '')))
  const muted = new Set(shown.filter((g) => g.level === 'grid' && !walked.has(g.id)).map((g) => g.id))
  return boundariesOf(shown).map((b) => (muted.has(b.id) ? { ...b, muted: true } : b))
}

/** A walk's line, broken where the track has a gap (no fixes between `from` and `to`). */
export function replayRuns(track: PatrolReplay['track'], gaps: PatrolReplay['gaps']): LngLat[][] {
  const runs: LngLat[][] = []
  let run: LngLat[] = []
  for (let i = 0; i < track.length; i++) {
    const [t, lng, lat] = track[i]
    if (i > 0 && gaps.some((g) => g.from >= track[i - 1][0] && g.to <= t)) {
      runs.push(run)
      run = []
    }
    run.push([lng, lat])
  }
  if (run.length) runs.push(run)
  return runs
}

export function replayTracks(patrols: readonly PatrolReplay[]): MapTrack[] {
  return patrols.map((p, i) => ({ id: p.id, runs: replayRuns(p.track, p.gaps), colour: WALK_COLOURS[i % WALK_COLOURS.length], ends: true }))
}

export function replayPins(patrols: readonly PatrolReplay[], stopped: (minutes: number) => string): MapPin[] {
  return patrols.flatMap((p) => [
    ...p.stops.map((s) => ({ id: `${p.id}:${s.from}`, location: [s.lng, s.lat] as LngLat, colour: STOP_COLOUR, ring: true, detail: stopped(Math.round((s.to - s.from) / 60_000)) })),
    ...p.pins.map((pin) => ({ id: pin.id, location: [pin.lng, pin.lat] as LngLat, colour: PIN_COLOURS[pin.kind], detail: pin.label })),
  ])
}

/** 走访覆盖's buildings, coloured by the share visited (colour and words from the caller). */
export function coverageBuildings(
  buildings: CoverageAnswer['buildings'],
  colourOf: (visited: number, due: number) => string,
  detailOf: (b: CoverageAnswer['buildings'][number]) => string,
): MapBuilding[] {
  return buildings.map((b) => ({
    id: b.buildingId,
    name: `${b.compound}${b.name}`,
    label: b.name,
    compound: b.compound,
    location: [b.location[0], b.location[1]],
    households: b.due,
    state: 'none',
    colour: colourOf(b.visited, b.due),
    detail: detailOf(b),
  }))
}
