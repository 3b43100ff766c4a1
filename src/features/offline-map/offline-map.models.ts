/**
 * 离线地图: which tiles cover the worker's grids at the chosen zoom levels (Web Mercator tile
 * scheme, as Leaflet and the tile services number them), and what a download would cost.
 */
export type Bounds = [west: number, south: number, east: number, north: number]

/** Lowest zoom fetched: below it a grid is a few pixels and a single tile covers the city. */
export const MIN_OFFLINE_ZOOM = 13
/** A typical 256 px street-map PNG; only for the estimate shown before 下载. */
export const ESTIMATED_TILE_BYTES = 18 * 1024
/** Margin around the grids so the edge of the walk is not off the map (degrees, ~200 m). */
export const MARGIN_DEG = 0.002

export function tileX(lng: number, z: number): number {
  return Math.floor(((lng + 180) / 360) * 2 ** z)
}

export function tileY(lat: number, z: number): number {
  const r = (Math.max(-85.05112878, Math.min(85.05112878, lat)) * Math.PI) / 180
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)
}

export interface TileRef {
  z: number
  x: number
  y: number
}

/** Every tile that touches `bounds` at each zoom from `minZoom` to `maxZoom`. */
export function tilesFor(bounds: Bounds, minZoom: number, maxZoom: number): TileRef[] {
  const [w, s, e, n] = bounds
  const tiles: TileRef[] = []
  for (let z = minZoom; z <= maxZoom; z++) {
    const last = 2 ** z - 1
    const x0 = Math.max(0, tileX(w, z))
    const x1 = Math.min(last, tileX(e, z))
    const y0 = Math.max(0, tileY(n, z))
    const y1 = Math.min(last, tileY(s, z))
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push({ z, x, y })
  }
  return tiles
}

export function padded([w, s, e, n]: Bounds, margin = MARGIN_DEG): Bounds {
  return [w - margin, s - margin, e + margin, n + margin]
}

export function tileUrl(template: string, t: TileRef): string {
  return template.replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y))
}

/** 1.2 MB / 850 KB */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}
