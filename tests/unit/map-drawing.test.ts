// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { projector } from '@/features/map/leafletLayers'
import { cornersOf, polygonFromLatLngs, unprojector } from '@/features/map/drawing.models'
import type { LngLat } from '@/features/map/map.models'

const ll = (p: readonly (number | undefined)[]) => ({ lat: p[0]!, lng: p[1]! })

describe('map drawing coordinates', () => {
  it('takes a point of a schematic or WGS84 map back as it is ([lng, lat], 7 decimals)', () => {
    expect(unprojector(null)({ lat: 36.86, lng: 120.52 })).toEqual([120.52, 36.86])
    expect(unprojector('wgs84')({ lat: 36.123456789, lng: 120.987654321 })).toEqual([120.9876543, 36.1234568])
  })

  it('takes a point of GCJ-02 tiles back to WGS84: display and back land within a few centimetres', () => {
    const to = projector('gcj02')
    const from = unprojector('gcj02')
    for (const p of [[120.52, 36.86], [116.397, 39.909], [121.4737, 31.2304], [113.2644, 23.1291]] as LngLat[]) {
      const shown = to(p)
      // the display really is shifted (hundreds of metres), so the way back has work to do
      expect(Math.abs(shown[1] - p[0]) + Math.abs(shown[0] - p[1])).toBeGreaterThan(0.001)
      const back = from(ll(shown))
      expect(Math.abs(back[0] - p[0])).toBeLessThan(1e-6)
      expect(Math.abs(back[1] - p[1])).toBeLessThan(1e-6)
    }
  })
})

describe('polygon from a drawn layer', () => {
  const from = unprojector(null)

  it('closes the ring with its exact first corner (Leaflet gives it open, as rings)', () => {
    const polygon = polygonFromLatLngs([[ll([36.0, 120.0]), ll([36.0, 120.01]), ll([36.01, 120.01])]], from)
    expect(polygon).toEqual({ type: 'Polygon', coordinates: [[[120, 36], [120.01, 36], [120.01, 36.01], [120, 36]]] })
  })

  it('drops repeated corners (the double click that ends a drawing) and an already closed end', () => {
    const a = ll([36.0, 120.0])
    const polygon = polygonFromLatLngs([a, a, ll([36.0, 120.01]), ll([36.01, 120.01]), ll([36.01, 120.01]), a], from)
    expect(polygon!.coordinates[0]).toHaveLength(4)
  })

  it('is nothing until three distinct corners exist', () => {
    expect(polygonFromLatLngs([], from)).toBeNull()
    expect(polygonFromLatLngs([ll([36, 120]), ll([36, 120.01]), ll([36, 120])], from)).toBeNull()
  })

  it('edits a stored ring as its open corners on the map, and gives the same ring back', () => {
    const ring: LngLat[] = [[120.38, 36.07], [120.384, 36.07], [120.384, 36.074], [120.38, 36.074], [120.38, 36.07]]
    const corners = cornersOf(ring, projector('gcj02'))
    expect(corners).toHaveLength(4)
    const back = polygonFromLatLngs(corners.map(ll), unprojector('gcj02'))!
    back.coordinates[0].forEach((p, i) => {
      expect(Math.abs(p[0] - ring[i][0])).toBeLessThan(1e-6)
      expect(Math.abs(p[1] - ring[i][1])).toBeLessThan(1e-6)
    })
    expect(back.coordinates[0][4]).toEqual(back.coordinates[0][0])
  })
})
