/**
 * Leaflet drawing for <GridMap>: one canvas renderer for every vector (a street office's
 * buildings and a day of tracks stay fluid), layer groups redrawn per kind of data, and the
 * names as DOM labels in their own pane, laid out by map.models' layoutLabels after each move.
 * Loaded only with the map (GridMap.vue is always imported lazily).
 */
import L from 'leaflet'
import 'leaflet/dist/leaflet.css'
import gcoord from 'gcoord'
import type { TileCrs } from '@/domain/mapConfig'
import {
  compoundsOf,
  layoutLabels,
  ringLabelPoint,
  type Box,
  type LabelCandidate,
  type LabelKind,
  type LabelSide,
  type LngLat,
  type MapBoundary,
  type MapBuilding,
  type MapPin,
  type MapPosition,
  type MapTrack,
  type PlacedLabel,
  type VisitState,
} from './map.models'

export const STATE_COLOURS: Record<VisitState, string> = { overdue: '#d32f2f', due: '#f9a825', done: '#2e7d32', none: '#9e9e9e' }
const TRACK_ACTIVE = '#1565c0'
const TRACK_DONE = '#6a1b9a'
const START_COLOUR = '#2e7d32'
const END_COLOUR = '#c62828'
const HERE_COLOUR = '#1e88e5'

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

const LABEL_PANE = 'gridMapLabels'

export function createLeafletMap(
  el: HTMLElement,
  tiles: TileSettings | null,
  words: { zoomIn: string; zoomOut: string },
): { map: L.Map; renderer: L.Canvas; labels: HTMLElement } {
  const renderer = L.canvas({ padding: 0.5, tolerance: 6 })
  const map = L.map(el, { preferCanvas: true, renderer, zoomSnap: 0.5, maxZoom: tiles?.maxZoom ?? 19, attributionControl: !!tiles, zoomControl: false })
  // Leaflet's own buttons are titled in English: a worker hears 放大/缩小.
  L.control.zoom({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut }).addTo(map)
  if (tiles) L.tileLayer(tiles.url, { maxZoom: tiles.maxZoom, attribution: tiles.attribution }).addTo(map)
  // A scale bar: on a schematic it is the only sense of distance a worker has.
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map)
  // Names above the vectors and below tooltips and popups (overlay 400, tooltip 650).
  const labels = map.createPane(LABEL_PANE)
  labels.style.zIndex = '600'
  labels.style.pointerEvents = 'none'
  return { map, renderer, labels }
}

/**
 * Every mark put on the map that a name can belong to, in map coordinates: what the label
 * layout turns into screen candidates after each zoom or pan.
 */
export interface GeoLabel {
  id: string
  kind: LabelKind
  text: string
  at: L.LatLngTuple
  /** The named area (a grid's outline): the label must fit inside it. */
  within?: L.LatLngBounds
  sides?: readonly LabelSide[]
  clearOfMarkers?: boolean
  /** Shown only from this zoom on (building names would otherwise fill every gap). */
  minZoom?: number
}

/** A marker's place and radius (px), so names are kept off it. */
export interface GeoMarker {
  at: L.LatLngTuple
  r: number
}

export interface Drawn {
  labels: GeoLabel[]
  markers: GeoMarker[]
}

const EMPTY: Drawn = { labels: [], markers: [] }
const AREA_SIDES: readonly LabelSide[] = ['center', 'above', 'below', 'right', 'left']
const BESIDE: readonly LabelSide[] = ['above', 'below', 'right', 'left']
const BUILDING_SIDES: readonly LabelSide[] = ['right', 'left', 'below', 'above']
/** Building names from this zoom on: about a metre a pixel, where a 5号楼 fits between blocks. */
export const BUILDING_LABEL_ZOOM = 17
export const COMPOUND_LABEL_ZOOM = 15

export function drawBoundaries(
  group: L.LayerGroup,
  renderer: L.Canvas,
  boundaries: readonly MapBoundary[],
  toMap: (p: LngLat) => L.LatLngTuple,
  schematic: boolean,
): Drawn {
  group.clearLayers()
  const labels: GeoLabel[] = []
  const polys: L.Polygon[] = []
  for (const b of boundaries) {
    const grid = b.level === 'grid'
    const ring = b.ring.map(toMap)
    const poly = L.polygon(ring, {
      renderer,
      color: b.muted ? '#b0b7bf' : grid ? '#b71c1c' : '#5c6bc0',
      weight: grid ? 3 : 1.5,
      dashArray: grid ? undefined : '5 4',
      // On a schematic the grids are the land: light blocks on a darker ground, like a paper map.
      fill: schematic ? grid : !grid,
      fillColor: schematic ? '#ffffff' : '#5c6bc0',
      fillOpacity: schematic ? 0.7 : 0.04,
      interactive: false,
    })
    poly.addTo(group)
    polys.push(poly)
    // Off the building dots where the area leaves room: a name over a dot hides the dot's colour.
    labels.push({ id: `b:${b.id}`, kind: grid ? 'grid' : 'micro', text: b.name, at: toMap(ringLabelPoint(b.ring)), within: L.latLngBounds(ring), sides: AREA_SIDES, clearOfMarkers: true })
  }
  // Outlines stay under buildings and tracks however late they arrive (one canvas: draw order).
  for (let i = polys.length - 1; i >= 0; i--) polys[i].bringToBack()
  return { labels, markers: [] }
}

export function drawBuildings(
  group: L.LayerGroup,
  renderer: L.Canvas,
  buildings: readonly MapBuilding[],
  toMap: (p: LngLat) => L.LatLngTuple,
  detail: (b: MapBuilding) => string,
  schematic: boolean,
): Drawn {
  group.clearLayers()
  const labels: GeoLabel[] = []
  const markers: GeoMarker[] = []
  if (schematic) {
    // The blocks themselves: a schematic without them is dots on paper.
    for (const b of buildings) {
      if (b.footprint?.length) L.polygon(b.footprint.map(toMap), { renderer, color: '#90a4ae', weight: 1, fillColor: '#cfd8dc', fillOpacity: 0.9, interactive: false }).addTo(group)
    }
  }
  for (const b of buildings) {
    const at = toMap(b.location)
    L.circleMarker(at, { renderer, radius: 7, weight: 1.5, color: '#fff', fillColor: b.colour ?? STATE_COLOURS[b.state], fillOpacity: 0.95 })
      .bindTooltip(b.detail ?? detail(b))
      .addTo(group)
    markers.push({ at, r: 7 })
    labels.push({ id: `h:${b.id}`, kind: 'building', text: b.label ?? b.name, at, sides: BUILDING_SIDES, clearOfMarkers: true, minZoom: BUILDING_LABEL_ZOOM })
  }
  for (const c of compoundsOf(buildings)) {
    labels.push({ id: `c:${c.name}`, kind: 'compound', text: c.name, at: toMap(c.location), sides: ['center', 'above', 'below', 'right', 'left'], clearOfMarkers: true, minZoom: COMPOUND_LABEL_ZOOM })
  }
  return { labels, markers }
}

export function drawPins(group: L.LayerGroup, renderer: L.Canvas, pins: readonly MapPin[], toMap: (p: LngLat) => L.LatLngTuple): Drawn {
  group.clearLayers()
  const markers: GeoMarker[] = []
  for (const p of pins) {
    const at = toMap(p.location)
    const r = p.ring ? 9 : 6
    L.circleMarker(at, { renderer, radius: r, weight: p.ring ? 2 : 1.5, color: p.ring ? p.colour : '#fff', fillColor: p.colour, fillOpacity: p.ring ? 0.35 : 0.95 })
      .bindTooltip(p.detail)
      .addTo(group)
    markers.push({ at, r })
  }
  return { labels: [], markers }
}

export function drawTracks(
  group: L.LayerGroup,
  renderer: L.Canvas,
  tracks: readonly MapTrack[],
  toMap: (p: LngLat) => L.LatLngTuple,
  words: { start: string; end: string },
): Drawn {
  group.clearLayers()
  const labels: GeoLabel[] = []
  const markers: GeoMarker[] = []
  for (const t of tracks) {
    const runs = t.runs.filter((r) => r.length > 0)
    if (!runs.length) continue
    const colour = t.colour ?? (t.active ? TRACK_ACTIVE : TRACK_DONE)
    L.polyline(runs.map((r) => r.map(toMap)), { renderer, color: colour, weight: t.active ? 4 : 3, opacity: 0.85, interactive: false }).addTo(group)
    // A gap is drawn as what it is: a thin dashed line where nobody knows the way taken.
    for (let i = 1; i < runs.length; i++) {
      const a = runs[i - 1][runs[i - 1].length - 1]
      const b = runs[i][0]
      L.polyline([toMap(a), toMap(b)], { renderer, color: '#757575', weight: 2, dashArray: '2 6', interactive: false }).addTo(group)
    }
    if (!t.ends) continue
    const first = toMap(runs[0][0])
    L.circleMarker(first, { renderer, radius: 6, weight: 3, color: START_COLOUR, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(group)
    markers.push({ at: first, r: 6 })
    labels.push({ id: `s:${t.id}`, kind: 'start', text: words.start, at: first, sides: BESIDE, clearOfMarkers: true })
    if (t.active) continue // its end is the worker, marked 您在这里
    const lastRun = runs[runs.length - 1]
    const last = toMap(lastRun[lastRun.length - 1])
    L.circleMarker(last, { renderer, radius: 6, weight: 2, color: '#fff', fillColor: END_COLOUR, fillOpacity: 1, interactive: false }).addTo(group)
    markers.push({ at: last, r: 6 })
    labels.push({ id: `e:${t.id}`, kind: 'end', text: words.end, at: last, sides: BESIDE, clearOfMarkers: true })
  }
  return { labels, markers }
}

export function drawPosition(group: L.LayerGroup, renderer: L.Canvas, position: MapPosition | null, toMap: (p: LngLat) => L.LatLngTuple, here: string): Drawn {
  group.clearLayers()
  if (!position) return EMPTY
  const at = toMap([position.lng, position.lat])
  if (position.accuracy > 0) L.circle(at, { renderer, radius: position.accuracy, color: HERE_COLOUR, weight: 1, fillOpacity: 0.12, interactive: false }).addTo(group)
  L.circleMarker(at, { renderer, radius: 7, color: '#fff', weight: 2.5, fillColor: position.colour ?? HERE_COLOUR, fillOpacity: 1, interactive: false }).addTo(group)
  return { labels: [{ id: 'here', kind: 'here', text: position.label ?? here, at, sides: BESIDE, clearOfMarkers: true }], markers: [{ at, r: 7 }] }
}

/** Margin (px) beyond the view within which marks still count, so a name at the edge is not lost. */
const CULL = 40

/**
 * Lays the names out for the current view and puts them in the label pane (positioned in layer
 * pixels, so they pan with the map; hidden by CSS during a zoom animation, laid out again after).
 */
export function renderLabels(map: L.Map, pane: HTMLElement, drawn: readonly Drawn[]): PlacedLabel[] {
  const size = map.getSize()
  const zoom = map.getZoom()
  const visible = (p: L.Point) => p.x > -CULL && p.y > -CULL && p.x < size.x + CULL && p.y < size.y + CULL
  const obstacles: Box[] = []
  for (const d of drawn) {
    for (const m of d.markers) {
      const p = map.latLngToContainerPoint(m.at)
      if (visible(p)) obstacles.push({ x: p.x - m.r, y: p.y - m.r, w: 2 * m.r, h: 2 * m.r })
    }
  }
  const candidates: LabelCandidate[] = []
  for (const d of drawn) {
    for (const g of d.labels) {
      if (g.minZoom !== undefined && zoom < g.minZoom) continue
      const p = map.latLngToContainerPoint(g.at)
      if (!visible(p)) continue
      let within: Box | undefined
      if (g.within) {
        const nw = map.latLngToContainerPoint(g.within.getNorthWest())
        const se = map.latLngToContainerPoint(g.within.getSouthEast())
        within = { x: nw.x, y: nw.y, w: se.x - nw.x, h: se.y - nw.y }
      }
      candidates.push({ id: g.id, kind: g.kind, text: g.text, x: p.x, y: p.y, within, at: g.sides, clearOfMarkers: g.clearOfMarkers })
    }
  }
  const placed = layoutLabels(candidates, { width: size.x, height: size.y }, obstacles)
  const frag = document.createDocumentFragment()
  for (const l of placed) {
    // The box's centre, in layer pixels; the text centres itself on it (CSS), so the drawn name
    // is never wider than the box the layout reserved (labelSize errs wide).
    const el = L.DomUtil.create('div', 'grid-map__label-at')
    L.DomUtil.setPosition(el, map.containerPointToLayerPoint([l.box.x + l.box.w / 2, l.box.y + l.box.h / 2]))
    const text = L.DomUtil.create('span', `grid-map__label grid-map__label--${l.kind}`, el)
    text.textContent = l.text
    frag.appendChild(el)
  }
  pane.replaceChildren(frag)
  return placed
}

export { L }
