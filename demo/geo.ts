/**
 * Planar geometry for the demo community. Around Laixi a few kilometres are flat enough to treat
 * degrees as a scaled plane, so boundaries are axis-aligned rectangles cut from one rectangle:
 * cutting with shared, already-rounded coordinates is what guarantees that cells tile their
 * parent without gaps or overlaps.
 */
import type { Rng } from './random'

export const METERS_PER_DEG_LAT = 111_320

export interface Rect {
  west: number
  south: number
  east: number
  north: number
}

export interface Polygon {
  type: 'Polygon'
  coordinates: [number, number][][]
}

/** 6 decimals ≈ 0.1 m: plenty for a map, and short in JSON. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6

export function metersPerDegLng(lat: number): number {
  return METERS_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)
}

/** A rectangle of the given size in metres centred on [lng, lat]. */
export function rectAround(center: [number, number], widthM: number, heightM: number): Rect {
  const [lng, lat] = center
  const dLng = widthM / 2 / metersPerDegLng(lat)
  const dLat = heightM / 2 / METERS_PER_DEG_LAT
  return { west: round6(lng - dLng), south: round6(lat - dLat), east: round6(lng + dLng), north: round6(lat + dLat) }
}

export function rectSizeM(r: Rect): { widthM: number; heightM: number } {
  const lat = (r.south + r.north) / 2
  return { widthM: (r.east - r.west) * metersPerDegLng(lat), heightM: (r.north - r.south) * METERS_PER_DEG_LAT }
}

/** GeoJSON exterior ring, counter-clockwise (RFC 7946 right-hand rule), closed. */
export function rectPolygon(r: Rect): Polygon {
  return {
    type: 'Polygon',
    coordinates: [[[r.west, r.south], [r.east, r.south], [r.east, r.north], [r.west, r.north], [r.west, r.south]]],
  }
}

/**
 * Cut [from, to] into n parts of jittered width (±25 %) so the map does not look like graph
 * paper. Inner cut points are rounded once and shared by both neighbours.
 */
export function cutPoints(rng: Rng, from: number, to: number, n: number): number[] {
  const weights = Array.from({ length: n }, () => 0.75 + rng.next() * 0.5)
  const total = weights.reduce((a, b) => a + b, 0)
  const cuts = [from]
  let acc = 0
  for (let i = 0; i < n - 1; i++) {
    acc += weights[i]
    cuts.push(round6(from + ((to - from) * acc) / total))
  }
  cuts.push(to)
  return cuts
}

/** How many cells go in each row when `count` cells are laid out in `rows` rows, as even as possible. */
export function rowSizes(count: number, rows: number): number[] {
  const base = Math.floor(count / rows)
  const extra = count % rows
  return Array.from({ length: rows }, (_, i) => base + (i < extra ? 1 : 0))
}

/**
 * Split a rectangle into `count` cells: bands from north to south, each band cut west to east
 * with its own jitter. The number of bands keeps cells roughly square.
 */
export function splitRect(rng: Rng, r: Rect, count: number): Rect[] {
  const { widthM, heightM } = rectSizeM(r)
  const rows = Math.min(count, Math.max(1, Math.round(Math.sqrt((count * heightM) / widthM))))
  const ys = cutPoints(rng, r.north, r.south, rows)
  const cells: Rect[] = []
  rowSizes(count, rows).forEach((n, row) => {
    const xs = cutPoints(rng, r.west, r.east, n)
    for (let i = 0; i < n; i++) cells.push({ west: xs[i], east: xs[i + 1], north: ys[row], south: ys[row + 1] })
  })
  return cells
}

export interface Placement {
  location: [number, number]
  footprint: Polygon
}

/**
 * Place slab buildings (long side east–west, facing south as residential buildings in Shandong
 * do) in a cell: one per north–south slot, each footprint well inside the cell so its location
 * lies inside the micro-grid it belongs to.
 */
export function placeBuildings(rng: Rng, cell: Rect, unitCounts: number[]): Placement[] {
  const { widthM, heightM } = rectSizeM(cell)
  const lat = (cell.south + cell.north) / 2
  const slotM = heightM / unitCounts.length
  return unitCounts.map((units, i) => {
    // A stairwell unit is ~14 m wide; shrink to fit small cells rather than cross the boundary.
    const w = Math.min(units * 14 + 4, widthM * 0.7)
    const d = Math.min(13, slotM * 0.4)
    const freeX = widthM - w
    const freeY = slotM - d
    const x = freeX * (0.15 + 0.7 * rng.next()) + w / 2
    const y = heightM - (i * slotM + freeY * (0.25 + 0.5 * rng.next()) + d / 2)
    const center: [number, number] = [
      round6(cell.west + x / metersPerDegLng(lat)),
      round6(cell.south + y / METERS_PER_DEG_LAT),
    ]
    return { location: center, footprint: rectPolygon(rectAround(center, w, d)) }
  })
}
