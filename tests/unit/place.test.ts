import { describe, expect, it } from 'vitest'
import { AT_BUILDING_M, NEAR_BUILDING_M, buildingLabel, placeOf, roundDistance } from '@/domain/place'

/** Metres north of a reference point, as degrees of latitude. */
const M_LAT = 1 / 111_195
const b = (id: string, name: string, north: number) => ({ id, compound: '翠湖花园', name, location: [120.5, 36.87 + north * M_LAT] as [number, number] })
const here = (north: number) => ({ lng: 120.5, lat: 36.87 + north * M_LAT })

describe('an issue place in words (placeOf)', () => {
  const buildings = [b('5', '5号楼', 0), b('15', '15号楼', 300)]

  it('is the building when the position is within GPS error of it', () => {
    expect(placeOf(here(8), buildings)).toMatchObject({ kind: 'at', building: { id: '5' } })
    expect(placeOf(here(AT_BUILDING_M - 1), buildings).kind).toBe('at')
    expect(buildingLabel(buildings[0])).toBe('翠湖花园 5号楼')
    expect(buildingLabel({ compound: '', name: '5号楼' })).toBe('5号楼')
  })

  it('is "near the nearest building, about N m" further away, rounded to 10 m', () => {
    expect(placeOf(here(123), buildings)).toEqual({ kind: 'near', building: buildings[0], distanceM: 120 })
    // Nearer to 15号楼 than to 5号楼.
    expect(placeOf(here(180), buildings)).toMatchObject({ kind: 'near', building: { id: '15' }, distanceM: 120 })
  })

  it('is neither beyond a sensible distance, or with no buildings on the phone', () => {
    expect(placeOf(here(300 + NEAR_BUILDING_M + 10), buildings)).toEqual({ kind: 'far' })
    expect(placeOf(here(0), [])).toEqual({ kind: 'far' })
    expect(roundDistance(3)).toBe(10)
    expect(roundDistance(126)).toBe(130)
  })
})
