/**
 * The shared grid map's data, as plain values (no Leaflet here): what the patrol tab, the ledger
 * and the supervisor console hand to <GridMap>. Coordinates are WGS84 [lng, lat]; GridMap turns
 * them into the tiles' system for display only. Use:
 *
 *   const GridMap = defineAsyncComponent(() => import('@/features/map/GridMap.vue'))
 *   <GridMap :boundaries="boundariesOf(grids)" :buildings="buildingsOnMap(…)"
 *            :position="{ lng, lat, accuracy }" :tracks="[trackOnMap(id, points)]" fit="tracks" />
 *
 * (records from src/db/map.ts `gridMapRecords`; a segment's points from `segmentPoints`).
 */
import { HOUSEHOLD_TAGS } from '@/domain/constants'
import type { Building, Grid, Household, TrackPoint } from '@/domain/entities'
import { splitRuns, simplify } from '@/domain/track'

export type LngLat = [number, number]

export interface MapBoundary {
  id: string
  /** As written on the map (a micro-grid without its grid's name: shortGridName). */
  name: string
  level: Grid['level']
  /** Exterior ring, closed. */
  ring: LngLat[]
  /** Drawn faint: a grid around the one looked at (the console's neighbours of a walk). */
  muted?: boolean
}

/** Visit state of a building: the worst of its households (overdue > due > done). */
export type VisitState = 'overdue' | 'due' | 'done' | 'none'

export interface MapBuilding {
  id: string
  /** Full name, for the tooltip: 翠湖花园5号楼. */
  name: string
  /** On the map beside its dot, when it fits: 5号楼 (the compound is labelled once). */
  label?: string
  /** 小区, labelled once at the middle of its buildings. */
  compound?: string
  location: LngLat
  /** Outline on the ground (a schematic map draws the blocks, so it reads like a map). */
  footprint?: LngLat[]
  households: number
  state: VisitState
  /** Overrides the visit-state colour (the console colours by coverage share). */
  colour?: string
  /** Overrides the tooltip (default: name · N 户). */
  detail?: string
}

/** A marked place that is not a building: a visit, an issue, a stop of a walk. */
export interface MapPin {
  id: string
  location: LngLat
  colour: string
  /** Tooltip text (hover or tap). */
  detail: string
  /** Larger ring (a stop) rather than a dot. */
  ring?: boolean
}

export interface MapPosition {
  lng: number
  lat: number
  /** metres (radius of the accuracy circle; 0: none) */
  accuracy: number
  /** Written beside the point; default 您在这里 (the console's replay names the worker). */
  label?: string
  /** Dot colour; default the phone's blue. */
  colour?: string
}

/** A track to draw: each run is one line; the breaks between runs are gaps (signal lost …). */
export interface MapTrack {
  id: string
  runs: LngLat[][]
  /** Highlight (the active patrol) or not (history, other workers). */
  active?: boolean
  /** Line colour (the console tells several walks apart); default by `active`. */
  colour?: string
  /**
   * 起点/终点 labels at its ends. An active patrol's end is where the worker is (您在这里),
   * so it is marked with 起点 only.
   */
  ends?: boolean
}

/** The grids' and micro-grids' outlines (a phone's Grid records or the console's GridNodes). */
export function boundariesOf(grids: readonly Pick<Grid, 'id' | 'name' | 'level' | 'parentId' | 'boundary'>[]): MapBoundary[] {
  const names = new Map(grids.map((g) => [g.id, g.name]))
  return grids
    .filter((g) => g.boundary && g.level !== 'community')
    .map((g) => ({
      id: g.id,
      name: g.level === 'micro' ? shortGridName(g.name, names.get(g.parentId ?? '')) : g.name,
      level: g.level,
      ring: g.boundary!.coordinates[0].map(([x, y]) => [x, y] as LngLat),
    }))
}

const DAY_MS = 86_400_000
/** A household with no tag asking for more is visited at least once a quarter (敲门入户). */
export const DEFAULT_CADENCE_DAYS = 90
/** "Due" starts this many days before the cadence runs out. */
export const DUE_SOON_DAYS = 3

/** Days between visits a household asks for: its own cadence, else the strictest of its tags. */
export function cadenceDaysOf(h: Pick<Household, 'tags' | 'cadenceDays'>): number {
  if (h.cadenceDays) return h.cadenceDays
  let days = DEFAULT_CADENCE_DAYS
  for (const t of h.tags) {
    const def = HOUSEHOLD_TAGS.find((d) => d.code === t) as { cadenceDays?: number } | undefined
    if (def?.cadenceDays && def.cadenceDays < days) days = def.cadenceDays
  }
  return days
}

/**
 * A simple cadence rule until the ledger's visit-cadence module lands: never visited or past its
 * cadence → overdue; within DUE_SOON_DAYS of it → due; otherwise done.
 */
export function householdVisitState(h: Pick<Household, 'tags' | 'cadenceDays'>, lastVisitAt: number | undefined, now: number): VisitState {
  if (lastVisitAt === undefined) return 'overdue'
  const left = lastVisitAt + cadenceDaysOf(h) * DAY_MS - now
  if (left < 0) return 'overdue'
  if (left < DUE_SOON_DAYS * DAY_MS) return 'due'
  return 'done'
}

const RANK: Record<VisitState, number> = { none: 0, done: 1, due: 2, overdue: 3 }

export function buildingsOnMap(
  buildings: readonly Building[],
  households: readonly Pick<Household, 'id' | 'buildingId' | 'tags' | 'cadenceDays'>[],
  lastVisit: ReadonlyMap<string, number>,
  now: number,
): MapBuilding[] {
  const count = new Map<string, number>()
  const state = new Map<string, VisitState>()
  for (const h of households) {
    if (!h.buildingId) continue
    count.set(h.buildingId, (count.get(h.buildingId) ?? 0) + 1)
    const s = householdVisitState(h, lastVisit.get(h.id), now)
    const prev = state.get(h.buildingId) ?? 'none'
    if (RANK[s] > RANK[prev]) state.set(h.buildingId, s)
  }
  return buildings.map((b) => ({
    id: b.id,
    name: `${b.compound}${b.name}`,
    label: b.name,
    compound: b.compound,
    location: [b.location[0], b.location[1]],
    footprint: b.footprint?.coordinates[0].map(([x, y]) => [x, y] as LngLat),
    households: count.get(b.id) ?? 0,
    state: state.get(b.id) ?? 'none',
  }))
}

/** A track ready to draw: cut at gaps, simplified to `toleranceM` (about a screen pixel). */
export function trackOnMap(id: string, points: readonly TrackPoint[], toleranceM = 2, active = false): MapTrack {
  return {
    id,
    active,
    ends: true,
    runs: splitRuns(points).map((run) => simplify(run, toleranceM).map((p) => [p[1], p[2]] as LngLat)),
  }
}

/** Bounding box [west, south, east, north] of rings and points (null when empty). */
export function boundsOf(rings: readonly (readonly LngLat[])[]): [number, number, number, number] | null {
  let w = Infinity
  let s = Infinity
  let e = -Infinity
  let n = -Infinity
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < w) w = x
      if (x > e) e = x
      if (y < s) s = y
      if (y > n) n = y
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null
}

// ---------------------------------------------------------------------------------------------
// Labels. Leaflet's permanent tooltips draw every name at every zoom, so at a street office's
// zoom the micro-grid names pile up into one unreadable string. Instead the map asks, after each
// zoom or pan, which labels fit: each candidate has a screen anchor, a size and a priority; the
// layout places them greedily, highest priority first, skipping any that would overlap a placed
// one or spill out of the area it names. Pure (screen pixels in, boxes out), so it is tested
// without a browser.

export type LabelKind = 'here' | 'start' | 'end' | 'grid' | 'micro' | 'compound' | 'building' | 'pin'

/** Lower draws first and wins a contested spot. "You are here" and a track's ends always show. */
export const LABEL_PRIORITY: Record<LabelKind, number> = { here: 0, start: 1, end: 1, pin: 2, grid: 3, micro: 4, compound: 5, building: 6 }
/** Font size (px) of each kind, as GridMap's stylesheet draws it. */
export const LABEL_FONT_PX: Record<LabelKind, number> = { here: 13, start: 12, end: 12, pin: 12, grid: 14, micro: 12, compound: 12, building: 11 }
const REQUIRED: ReadonlySet<LabelKind> = new Set(['here', 'start', 'end'])

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

export interface LabelCandidate {
  id: string
  kind: LabelKind
  text: string
  /** Screen point the label belongs to (container pixels). */
  x: number
  y: number
  /**
   * The screen box of the area the label names (a grid's polygon): the label shows only when it
   * fits inside, so a name never covers its neighbours' ground.
   */
  within?: Box
  /**
   * Where the label may sit relative to its point, in order of preference: 'center' on it, or
   * beside a marker (above, below, right, left) so the dot stays visible.
   */
  at?: readonly LabelSide[]
  /** Must not cover a marker (obstacles): names set beside dots, so no dot hides under a name. */
  clearOfMarkers?: boolean
}

export type LabelSide = 'center' | 'above' | 'below' | 'right' | 'left'

export interface PlacedLabel {
  id: string
  kind: LabelKind
  text: string
  box: Box
}

const PAD_X = 4
const PAD_Y = 2
/** Gap between a marker's point and a label set beside it. */
const MARKER_GAP = 8

/**
 * Width and height (px) of a label as drawn: CJK glyphs are one em wide, Latin letters and
 * digits about 0.6 em; padding as in the stylesheet. Errs on the wide side, so labels judged
 * apart are apart on screen.
 */
export function labelSize(text: string, fontPx: number): { w: number; h: number } {
  let em = 0
  for (const ch of text) em += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/.test(ch) ? 1 : 0.62
  return { w: Math.ceil(em * fontPx) + 2 * PAD_X, h: Math.ceil(fontPx * 1.35) + 2 * PAD_Y }
}

function boxAt(x: number, y: number, w: number, h: number, side: LabelSide): Box {
  switch (side) {
    case 'center':
      return { x: x - w / 2, y: y - h / 2, w, h }
    case 'above':
      return { x: x - w / 2, y: y - MARKER_GAP - h, w, h }
    case 'below':
      return { x: x - w / 2, y: y + MARKER_GAP, w, h }
    case 'right':
      return { x: x + MARKER_GAP, y: y - h / 2, w, h }
    case 'left':
      return { x: x - MARKER_GAP - w, y: y - h / 2, w, h }
  }
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h
}

/**
 * The labels to show: greedy by priority (then in the order given), each at its first side that
 * neither overlaps a label already placed nor leaves its `within` box or the view. "You are
 * here" and a track's 起点/终点 are placed whatever else wants their spot (they come first); when
 * none of their sides is free they still show at their first side, and are never dropped.
 */
export function layoutLabels(
  candidates: readonly LabelCandidate[],
  view: { width: number; height: number },
  /** Screen boxes of the markers (building dots, 起点/终点, the position). */
  obstacles: readonly Box[] = [],
): PlacedLabel[] {
  const viewBox: Box = { x: 0, y: 0, w: view.width, h: view.height }
  const order = candidates.map((c, i) => ({ c, i })).sort((a, b) => LABEL_PRIORITY[a.c.kind] - LABEL_PRIORITY[b.c.kind] || a.i - b.i)
  const placed: PlacedLabel[] = []
  for (const { c } of order) {
    const { w, h } = labelSize(c.text, LABEL_FONT_PX[c.kind])
    const sides = c.at?.length ? c.at : (['center'] as const)
    let chosen: Box | null = null
    for (const side of sides) {
      const box = boxAt(c.x, c.y, w, h, side)
      if (!inside(box, viewBox)) continue
      if (c.within && !inside(box, c.within)) continue
      if (placed.some((p) => overlaps(p.box, box))) continue
      if (c.clearOfMarkers && obstacles.some((o) => overlaps(o, box))) continue
      chosen = box
      break
    }
    if (!chosen && REQUIRED.has(c.kind)) {
      // Kept even so: clamp into the view, and move down past whatever it would cover.
      const box = boxAt(c.x, c.y, w, h, sides[0])
      box.x = Math.min(Math.max(box.x, 0), Math.max(0, view.width - w))
      box.y = Math.min(Math.max(box.y, 0), Math.max(0, view.height - h))
      for (let guard = 0; guard < 50; guard++) {
        const hit = placed.find((p) => overlaps(p.box, box))
        if (!hit) break
        box.y = hit.box.y + hit.box.h
      }
      chosen = box
    }
    if (chosen) placed.push({ id: c.id, kind: c.kind, text: c.text, box: chosen })
  }
  return placed
}

/**
 * What a micro-grid is called on its parent's map: "第一网格第三微网格" inside 第一网格 is
 * "第三微网格" (the parent's name is already written on the map around it).
 */
export function shortGridName(name: string, parentName: string | undefined): string {
  return parentName && name.startsWith(parentName) && name.length > parentName.length ? name.slice(parentName.length) : name
}

/** One label per compound (小区), at the middle of its buildings: the name a worker looks for. */
export function compoundsOf(buildings: readonly MapBuilding[]): { name: string; location: LngLat }[] {
  const sums = new Map<string, { x: number; y: number; n: number }>()
  for (const b of buildings) {
    if (!b.compound) continue
    const s = sums.get(b.compound) ?? { x: 0, y: 0, n: 0 }
    s.x += b.location[0]
    s.y += b.location[1]
    s.n++
    sums.set(b.compound, s)
  }
  return [...sums].map(([name, s]) => ({ name, location: [s.x / s.n, s.y / s.n] as LngLat }))
}

/** Where a polygon's name goes: the middle of its bounding box (our grids are convex blocks). */
export function ringLabelPoint(ring: readonly LngLat[]): LngLat {
  const box = boundsOf([ring])!
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]
}

export interface LegendItem {
  colour: string
  label: string
}

/**
 * What the map's view fits, [west, south, east, north]: the tracks when asked and there are
 * any; else the grids looked at (not the muted neighbours); else everything drawn. No centre is
 * ever assumed: an empty map waits for its data.
 */
export function fitBoxOf(content: {
  fit?: 'auto' | 'boundaries' | 'tracks'
  boundaries: readonly MapBoundary[]
  buildings: readonly MapBuilding[]
  pins: readonly MapPin[]
  tracks: readonly MapTrack[]
  position: MapPosition | null
}): [number, number, number, number] | null {
  const runs = content.tracks.flatMap((t) => t.runs).filter((r) => r.length)
  if (content.fit === 'tracks' && runs.length) return boundsOf(runs)
  const own = content.boundaries.filter((b) => !b.muted).map((b) => b.ring)
  if (own.length) return boundsOf(own)
  const points: LngLat[] = [...content.buildings.map((b) => b.location), ...content.pins.map((p) => p.location)]
  if (content.position) points.push([content.position.lng, content.position.lat])
  return boundsOf([...runs, points, ...content.boundaries.map((b) => b.ring)])
}
