/**
 * Where an issue is, in words a person reads: a position becomes the building it is at, or "near
 * the 5号楼, about 120 m", from the buildings of the ledger — never bare coordinates (issue 17).
 * Pure: the same on phone and console.
 */
import type { Building } from './entities'
import { distanceM } from './track'

/** A position this close to a building (GPS error included) is at that building (metres). */
export const AT_BUILDING_M = 50
/** Up to this far, a position is described by its distance to the nearest building (metres). */
export const NEAR_BUILDING_M = 500

type PlaceBuilding = Pick<Building, 'id' | 'compound' | 'name' | 'location'>

export type PlaceGuess<B extends PlaceBuilding = PlaceBuilding> =
  | { kind: 'at'; building: B; distanceM: number }
  | { kind: 'near'; building: B; distanceM: number }
  | { kind: 'far' }

/** The nearest building to `at` and how the place reads: at it, near it (rounded distance), or neither. */
export function placeOf<B extends PlaceBuilding>(at: { lng: number; lat: number }, buildings: readonly B[]): PlaceGuess<B> {
  let best: B | null = null
  let bestM = Number.POSITIVE_INFINITY
  for (const b of buildings) {
    const d = distanceM([at.lng, at.lat], b.location)
    if (d < bestM) [best, bestM] = [b, d]
  }
  if (!best || bestM > NEAR_BUILDING_M) return { kind: 'far' }
  if (bestM <= AT_BUILDING_M) return { kind: 'at', building: best, distanceM: bestM }
  return { kind: 'near', building: best, distanceM: roundDistance(bestM) }
}

/** "约120米": to 10 m — a GPS fix is not more precise than that. */
export function roundDistance(m: number): number {
  return Math.max(10, Math.round(m / 10) * 10)
}

/** "翠湖花园 5号楼" (a building without a compound: its name alone). */
export function buildingLabel(b: Pick<Building, 'compound' | 'name'>): string {
  return b.compound ? `${b.compound} ${b.name}` : b.name
}
