/**
 * The base map through our own origin (DESIGN §5):
 *   GET /api/config             public settings the app needs before login (tiles, time zone);
 *                               with a valid bearer token, the zone and lock time of the caller's
 *                               community (社区设置) — an invalid token gets the public answer;
 *   GET /api/tiles/:z/:x/:y     a tile, from the disk cache or fetched once from the upstream
 *                               template and kept there, so phones cache same-origin tiles and
 *                               the content-security policy stays 'self'.
 *
 * Tiles need no login: they hold no personal data, the service worker fetches them without a
 * token, and the route only ever reaches the one configured upstream, within its zoom range.
 * Concurrent requests for the same missing tile share one upstream fetch.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { TILE_PATH_TEMPLATE, appConfigSchema } from '../../src/domain/mapConfig'
import { HttpError, notFound } from '../errors'
import type { TileConfig } from './config'
import { communityOfUser, loadCommunitySettings } from '../repositories/communitySettings'

export interface TilesOptions {
  tiles: TileConfig
  /** Upstream fetch (tests may count calls); global fetch by default. */
  fetch?: typeof fetch
  /** Give up on the upstream after this long (ms). */
  upstreamTimeoutMs?: number
}

const tileParams = z.object({
  z: z.coerce.number().int().min(0).max(22),
  x: z.coerce.number().int().min(0),
  // Leaflet asks for `{y}`; some clients append an extension (`12.png`): accept and ignore it.
  y: z.string().regex(/^\d+(\.(png|jpg|jpeg|webp))?$/, 'must be a tile row number'),
})

/** Content type from the first bytes: upstreams are not always honest in their headers. */
export function sniffImageType(bytes: Uint8Array): string | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp'
  return null
}

export function upstreamUrl(template: string, z: number, x: number, y: number): string {
  const sub = 'abc'[(x + y) % 3]
  return template.replaceAll('{z}', String(z)).replaceAll('{x}', String(x)).replaceAll('{y}', String(y)).replaceAll('{s}', sub)
}

const tilesPlugin: FastifyPluginAsync<TilesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const cfg = opts.tiles
  const doFetch = opts.fetch ?? fetch
  const timeoutMs = opts.upstreamTimeoutMs ?? 15_000
  const inflight = new Map<string, Promise<Buffer>>()

  app.get('/api/config', { schema: { response: { 200: appConfigSchema } } }, async (request, reply) => {
    reply.header('cache-control', 'no-cache')
    const community = await callerCommunity(request, reply)
    return {
      tiles: cfg.upstream
        ? { url: TILE_PATH_TEMPLATE, crs: cfg.crs, attribution: cfg.attribution, maxZoom: cfg.maxZoom }
        : null,
      timeZone: community?.timeZone ?? cfg.timeZone,
      community,
    }
  })

  /** The signed-in caller's community settings; null without a session (or with a stale one). */
  async function callerCommunity(request: FastifyRequest, reply: FastifyReply) {
    if (!request.headers.authorization) return null
    try {
      await fastify.authenticate(request, reply)
    } catch {
      return null // public answer: the phone learns of an ended session from its own requests
    }
    const auth = request.auth
    if (!auth) return null
    const c = await communityOfUser(fastify.db, auth.gridIds)
    if (!c) return null
    return { id: c.id, name: c.name, ...(await loadCommunitySettings(fastify.db, c.id, cfg.timeZone)) }
  }

  async function fetchUpstream(z: number, x: number, y: number, file: string): Promise<Buffer> {
    let res: Response
    try {
      res = await doFetch(upstreamUrl(cfg.upstream!, z, x, y), { signal: AbortSignal.timeout(timeoutMs) })
    } catch {
      throw new HttpError(502, 'tile_upstream_unreachable', '底图服务暂时无法访问，请稍后再试')
    }
    if (res.status === 404) throw notFound('该位置没有底图瓦片', 'tile_not_found')
    if (!res.ok) throw new HttpError(502, 'tile_upstream_error', `底图服务出错（${res.status}），请稍后再试`)
    const bytes = Buffer.from(await res.arrayBuffer())
    if (!sniffImageType(bytes)) throw new HttpError(502, 'tile_upstream_error', '底图服务返回的不是图片')
    await mkdir(path.dirname(file), { recursive: true })
    // Write then rename: a crash mid-write never leaves half a tile that later reads as whole.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
    await writeFile(tmp, bytes)
    await rename(tmp, file)
    return bytes
  }

  app.get(
    '/api/tiles/:z/:x/:y',
    // Errors are thrown as HttpError and answered as JSON {error, message} by server/errors.ts.
    { schema: { params: tileParams } },
    async (req, reply) => {
      if (!cfg.upstream) throw notFound('服务器未配置底图（FULLGRID_TILE_URL）', 'tiles_not_configured')
      const { z, x } = req.params
      const y = Number.parseInt(req.params.y, 10)
      const size = 2 ** z
      if (z > cfg.maxZoom) throw notFound(`底图最大级别为 ${cfg.maxZoom}`, 'tile_not_found')
      if (x >= size || y >= size) throw new HttpError(400, 'invalid_request', `第 ${z} 级瓦片编号须小于 ${size}`)
      const file = path.join(cfg.cacheDir, String(z), String(x), `${y}`)
      let bytes: Buffer
      try {
        bytes = await readFile(file)
      } catch {
        const key = `${z}/${x}/${y}`
        let pending = inflight.get(key)
        if (!pending) {
          pending = fetchUpstream(z, x, y, file).finally(() => inflight.delete(key))
          inflight.set(key, pending)
        }
        bytes = await pending
      }
      reply.header('cache-control', 'public, max-age=604800')
      reply.type(sniffImageType(bytes) ?? 'application/octet-stream')
      return reply.send(bytes)
    },
  )
}

export default tilesPlugin
