// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { projector } from '@/features/map/leafletLayers'

describe('map display coordinates', () => {
  it('draws WGS84 data as is on a schematic or WGS84 map (Leaflet order: lat, lng)', () => {
    expect(projector(null)([120.52, 36.86])).toEqual([36.86, 120.52])
    expect(projector('wgs84')([120.52, 36.86])).toEqual([36.86, 120.52])
  })

  it('shifts WGS84 data onto GCJ-02 tiles by the few hundred metres those tiles are offset', () => {
    const [lat, lng] = projector('gcj02')([120.52, 36.86])
    // The GCJ-02 offset around Laixi: ~ +0.0049° east, ~ +0.0004° north (gcoord, checked by hand).
    expect(lng - 120.52).toBeGreaterThan(0.004)
    expect(lng - 120.52).toBeLessThan(0.006)
    expect(lat - 36.86).toBeGreaterThan(0.0001)
    expect(lat - 36.86).toBeLessThan(0.001)
  })
})
