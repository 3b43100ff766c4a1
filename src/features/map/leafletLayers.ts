/**
 * Leaflet drawing for <GridMap>: one canvas renderer for every vector (a street office's
 * buildings and a day of tracks stay fluid), layer groups redrawn per kind of data.
 * Loaded only with the map (GridMap.vue is always imported lazily).
 */
import L from 'leaflet'
import 'leaflet/dist/leaflet.css'
import gcoord from 'gcoord'
import type { TileCrs } from '@/domain/mapConfig'
import type { LngLat, MapBoundary, MapBuilding, MapPosition, MapTrack, VisitState } from './map.models'

export const STATE_COLOURS: Record<VisitState, string> = { overdue: '#d32f2f', due: '#f9a825', done: '#2e7d32', none: '#9e9e9e' }

/** WGS84 → what the tiles use, as Leaflet's [lat, lng]. Schematic maps and WGS84 tiles: as is. */
export function projector(crs: TileCrs | null): (p: LngLat) => L.LatLngTuple {
  if (crs !== 'gcj02') return ([lng, lat]) => [lat, lng]
  return (p) => {
    const [lng, lat] = gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as [number, number]
    return [lat, lng]
  }
}

export interface TileSettings {
  url: string
  attribution: string
  maxZoom: number
}

export function createLeafletMap(el: HTMLElement, tiles: TileSettings | null): { map: L.Map; renderer: L.Canvas } {
  const renderer = L.canvas({ padding: 0.5, tolerance: 6 })
  const map = L.map(el, { preferCanvas: true, renderer, zoomSnap: 0.5, maxZoom: tiles?.maxZoom ?? 19, attributionControl: !!tiles })
  if (tiles) L.tileLayer(tiles.url, { maxZoom: tiles.maxZoom, attribution: tiles.attribution }).addTo(map)
  return { map, renderer }
}

export function drawBoundaries(group: L.LayerGroup, renderer: L.Canvas, boundaries: readonly MapBoundary[], toMap: (p: LngLat) => L.LatLngTuple) {
  group.clearLayers()
  for (const b of boundaries) {
    const grid = b.level === 'grid'
    const poly = L.polygon(b.ring.map(toMap), {
      renderer,
      color: grid ? '#b71c1c' : '#5c6bc0',
      weight: grid ? 3 : 1,
      dashArray: grid ? undefined : '4 4',
      fill: !grid,
      fillOpacity: 0.04,
      interactive: false,
    })
    poly.addTo(group)
    poly.bindTooltip(b.name, { permanent: true, direction: 'center', className: `grid-map__label grid-map__label--${b.level}` })
  }
}

export function drawBuildings(
  group: L.LayerGroup,
  renderer: L.Canvas,
  buildings: readonly MapBuilding[],
  toMap: (p: LngLat) => L.LatLngTuple,
  householdsLabel: (n: number) => string,
) {
  group.clearLayers()
  for (const b of buildings) {
    L.circleMarker(toMap(b.location), { renderer, radius: 7, weight: 1, color: '#fff', fillColor: STATE_COLOURS[b.state], fillOpacity: 0.9 })
      .bindTooltip(`${b.name} · ${householdsLabel(b.households)}`)
      .addTo(group)
  }
}

export function drawTracks(group: L.LayerGroup, renderer: L.Canvas, tracks: readonly MapTrack[], toMap: (p: LngLat) => L.LatLngTuple) {
  group.clearLayers()
  for (const t of tracks) {
    const runs = t.runs.filter((r) => r.length > 0)
    if (!runs.length) continue
    L.polyline(runs.map((r) => r.map(toMap)), { renderer, color: t.active ? '#1565c0' : '#6a1b9a', weight: t.active ? 4 : 3, opacity: 0.85, interactive: false }).addTo(group)
    // A gap is drawn as what it is: a thin dashed line where nobody knows the way taken.
    for (let i = 1; i < runs.length; i++) {
      const a = runs[i - 1][runs[i - 1].length - 1]
      const b = runs[i][0]
      L.polyline([toMap(a), toMap(b)], { renderer, color: '#757575', weight: 2, dashArray: '2 6', interactive: false }).addTo(group)
    }
  }
}

export function drawPosition(group: L.LayerGroup, renderer: L.Canvas, position: MapPosition | null, toMap: (p: LngLat) => L.LatLngTuple) {
  group.clearLayers()
  if (!position) return
  const at = toMap([position.lng, position.lat])
  L.circle(at, { renderer, radius: position.accuracy, color: '#1e88e5', weight: 1, fillOpacity: 0.12, interactive: false }).addTo(group)
  L.circleMarker(at, { renderer, radius: 6, color: '#fff', weight: 2, fillColor: '#1e88e5', fillOpacity: 1, interactive: false }).addTo(group)
}

export { L }
