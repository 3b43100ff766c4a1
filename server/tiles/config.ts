/**
 * Base-map settings from the environment (README "Configuration"): FULLGRID_TILE_URL (an
 * upstream template with {z} {x} {y} and optionally {s}), FULLGRID_TILE_CRS (wgs84 | gcj02),
 * FULLGRID_TILE_ATTRIBUTION, FULLGRID_TILE_MAX_ZOOM; FULLGRID_TIME_ZONE for the community's days.
 * Without FULLGRID_TILE_URL the app draws a schematic of our own vectors and /api/tiles is 404.
 */
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DEFAULT_TIME_ZONE } from '../../src/domain/constants'
import { isTimeZone } from '../../src/domain/calendar'
import type { TileCrs } from '../../src/domain/mapConfig'

export interface TileConfig {
  /** Upstream URL template; null: no base map. */
  upstream: string | null
  crs: TileCrs
  attribution: string
  maxZoom: number
  /** Folder of the disk cache of upstream tiles. */
  cacheDir: string
  timeZone: string
}

export class TileConfigError extends Error {}

export function loadTileConfig(env: NodeJS.ProcessEnv, dataDir: string): TileConfig {
  const upstream = env.FULLGRID_TILE_URL?.trim() || null
  if (upstream && !(/^https?:\/\//.test(upstream) && upstream.includes('{z}') && upstream.includes('{x}') && upstream.includes('{y}'))) {
    throw new TileConfigError(`FULLGRID_TILE_URL must be an http(s) URL with {z}, {x} and {y}, got "${upstream}"`)
  }
  const crs = (env.FULLGRID_TILE_CRS?.trim() || 'wgs84').toLowerCase()
  if (crs !== 'wgs84' && crs !== 'gcj02') throw new TileConfigError(`FULLGRID_TILE_CRS must be wgs84 or gcj02, got "${crs}"`)
  const zoomRaw = env.FULLGRID_TILE_MAX_ZOOM?.trim()
  const maxZoom = zoomRaw ? Number(zoomRaw) : 18
  if (!Number.isInteger(maxZoom) || maxZoom < 1 || maxZoom > 22) {
    throw new TileConfigError(`FULLGRID_TILE_MAX_ZOOM must be an integer from 1 to 22, got "${zoomRaw}"`)
  }
  const timeZone = env.FULLGRID_TIME_ZONE?.trim() || DEFAULT_TIME_ZONE
  if (!isTimeZone(timeZone)) {
    throw new TileConfigError(`FULLGRID_TIME_ZONE is not an IANA time zone (e.g. Asia/Shanghai): "${timeZone}"`)
  }
  return {
    upstream,
    crs,
    attribution: env.FULLGRID_TILE_ATTRIBUTION?.trim() ?? '',
    maxZoom,
    // Inside the data folder, so one deployment is one folder to back up or move.
    cacheDir: dataDir.startsWith('memory://') ? path.join(tmpdir(), 'fullgrid-tile-cache') : path.resolve(dataDir, 'tile-cache'),
    timeZone,
  }
}
