/**
 * What is drawn on the map, as plain values (no Leaflet): the way back from the map's coordinates
 * to the stored ones, and a polygon out of the corners a person drew or edited.
 *
 * The map shows WGS84 data shifted onto GCJ-02 tiles when the base map is GCJ-02 (leafletLayers'
 * `projector`); a click or a drawn corner is therefore in the tiles' system and goes back through
 * the inverse transform here, so what is stored is WGS84 like every other coordinate (DESIGN §3).
 */
import gcoord from 'gcoord'
import type { TileCrs } from '@/domain/mapConfig'
import type { LngLat } from './map.models'

export interface LatLngLike {
  lat: number
  lng: number
}

export interface DrawnPolygon {
  type: 'Polygon'
  coordinates: LngLat[][]
}

/** Seven decimals: ~1 cm, what the server keeps (it rounds the same way). */
const round = (n: number) => Math.round(n * 1e7) / 1e7

/** A point of the map (Leaflet's {lat, lng}, in the tiles' system) → stored WGS84 [lng, lat]. */
export function unprojector(crs: TileCrs | null): (p: LatLngLike) => LngLat {
  if (crs !== 'gcj02') return (p) => [round(p.lng), round(p.lat)]
  return (p) => {
    const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.GCJ02, gcoord.WGS84) as [number, number]
    return [round(lng), round(lat)]
  }
}

/**
 * The outer ring of what Leaflet gives for a polygon (LatLng[] or LatLng[][]), as a closed WGS84
 * ring; null while it has fewer than three distinct corners. Repeated corners (a double click
 * that ends the drawing) are dropped; the ring is closed with its exact first point, as the
 * server requires.
 */
export function polygonFromLatLngs(latlngs: readonly LatLngLike[] | readonly (readonly LatLngLike[])[], fromMap: (p: LatLngLike) => LngLat): DrawnPolygon | null {
  const outer = (Array.isArray(latlngs[0]) ? latlngs[0] : latlngs) as readonly LatLngLike[]
  const ring: LngLat[] = []
  for (const p of outer) {
    const q = fromMap(p)
    const last = ring[ring.length - 1]
    if (!last || last[0] !== q[0] || last[1] !== q[1]) ring.push(q)
  }
  while (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop()
  if (ring.length < 3) return null
  return { type: 'Polygon', coordinates: [[...ring, [ring[0][0], ring[0][1]]]] }
}

/** A stored ring's corners for editing: without the closing point, in Leaflet's [lat, lng] of the map. */
export function cornersOf<T>(ring: readonly LngLat[], toMap: (p: LngLat) => T): T[] {
  const open = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring
  return open.map((p) => toMap(p))
}
