/**
 * What `GET /api/config` answers (public, before login): the base map and the community's time
 * zone — with a session, the zone and settings of the caller's own community. Shared by the server (response schema) and the app (it validates what it reads back).
 */
import { z } from 'zod'
import { communityConfigSchema } from './communitySettings'

/** Coordinate system of the base tiles: our data is WGS84; most Chinese tile services are GCJ-02. */
export const tileCrsSchema = z.enum(['wgs84', 'gcj02'])
export type TileCrs = z.infer<typeof tileCrsSchema>

export const appConfigSchema = z.object({
  tiles: z
    .object({
      /** Same-origin template, e.g. `/api/tiles/{z}/{x}/{y}`; the server proxies and caches. */
      url: z.string(),
      crs: tileCrsSchema,
      attribution: z.string(),
      maxZoom: z.number().int().min(1).max(22),
    })
    .nullable(),
  /** The calendar of the signed-in person's community (社区设置); the server's before login. */
  timeZone: z.string(),
  /** With a valid session: the person's community, its zone and the phone lock time (issue 19). */
  community: communityConfigSchema.nullable().optional(),
})
export type AppConfig = z.infer<typeof appConfigSchema>

/** Tile path served by our server; `{z}/{x}/{y}` as Leaflet fills them in. */
export const TILE_PATH_TEMPLATE = '/api/tiles/{z}/{x}/{y}'

/** Cache Storage name of base-map tiles, shared by the service worker and 离线地图. */
export const TILE_CACHE = 'fullgrid-tiles'
