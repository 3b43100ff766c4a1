import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { openDatabase, type Database } from '../../server/db/adapter'
import { migrate } from '../../server/db/migrate'
import { buildApp } from '../../server/app'
import { ConfigError, loadConfig } from '../../server/config'
import { loadTileConfig } from '../../server/tiles/config'
import { sniffImageType } from '../../server/tiles/plugin'
import { appConfigSchema } from '../../src/domain/mapConfig'
import { startTileServer, type TileServer } from '../e2e/tileServer'

describe('base map through the server: /api/config and /api/tiles', () => {
  let upstream: TileServer
  let db: Database
  let app: FastifyInstance
  let dataDir: string

  beforeAll(async () => {
    upstream = await startTileServer()
    db = await openDatabase({ dataDir: 'memory://' })
    await migrate(db)
  })
  afterAll(async () => {
    await db.close()
    await upstream.stop()
  })
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fullgrid-tiles-'))
    upstream.requests.length = 0
  })
  afterEach(async () => {
    await app?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const withTiles = async (env: Record<string, string>) => {
    app = await buildApp({ db, staticDir: null, tiles: loadTileConfig(env, dataDir) })
    return app
  }

  it('without a tile URL: config says no tiles (schematic map) and tiles are a JSON 404', async () => {
    await withTiles({})
    const config = await app.inject({ method: 'GET', url: '/api/config' })
    expect(config.statusCode).toBe(200)
    expect(appConfigSchema.parse(config.json())).toEqual({ tiles: null, timeZone: 'Asia/Shanghai', community: null })
    const tile = await app.inject({ method: 'GET', url: '/api/tiles/15/27000/12400' })
    expect(tile.statusCode).toBe(404)
    expect(tile.json()).toMatchObject({ error: 'tiles_not_configured' })
    expect(tile.json().message).toMatch(/底图/)
  })

  it('config is public and names the same-origin template, CRS, attribution and max zoom', async () => {
    await withTiles({ FULLGRID_TILE_URL: upstream.template, FULLGRID_TILE_CRS: 'gcj02', FULLGRID_TILE_ATTRIBUTION: '© 测试底图', FULLGRID_TILE_MAX_ZOOM: '17' })
    const res = await app.inject({ method: 'GET', url: '/api/config' })
    expect(res.json()).toEqual({
      tiles: { url: '/api/tiles/{z}/{x}/{y}', crs: 'gcj02', attribution: '© 测试底图', maxZoom: 17 },
      timeZone: 'Asia/Shanghai',
      community: null,
    })
  })

  it('fetches a tile once from upstream, keeps it on disk under the data folder, then serves it from there', async () => {
    await withTiles({ FULLGRID_TILE_URL: upstream.template })
    const first = await app.inject({ method: 'GET', url: '/api/tiles/16/54321/25000' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('image/png')
    expect(sniffImageType(first.rawPayload)).toBe('image/png')
    expect(upstream.requests).toEqual(['16/54321/25000'])
    expect((await stat(path.join(dataDir, 'tile-cache', '16', '54321', '25000'))).size).toBe(first.rawPayload.length)

    await app.close()
    await withTiles({ FULLGRID_TILE_URL: upstream.template }) // a restarted server
    const again = await app.inject({ method: 'GET', url: '/api/tiles/16/54321/25000' })
    expect(again.statusCode).toBe(200)
    expect(Buffer.compare(again.rawPayload, first.rawPayload)).toBe(0)
    expect(upstream.requests).toHaveLength(1)
  })

  it('shares one upstream fetch between concurrent requests for the same tile', async () => {
    await withTiles({ FULLGRID_TILE_URL: upstream.template })
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.inject({ method: 'GET', url: '/api/tiles/10/800/400' })))
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200])
    expect(upstream.requests).toEqual(['10/800/400'])
  })

  it('refuses tiles outside the world or above max zoom with readable JSON, never a 500', async () => {
    await withTiles({ FULLGRID_TILE_URL: upstream.template, FULLGRID_TILE_MAX_ZOOM: '15' })
    const cases = [
      ['/api/tiles/3/8/0', 400],
      ['/api/tiles/16/1/1', 404],
      ['/api/tiles/a/1/1', 400],
      ['/api/tiles/3/1/..%2F..%2Fetc', 400],
    ] as const
    for (const [url, status] of cases) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(status)
      expect(typeof res.json().message, url).toBe('string')
    }
    expect(upstream.requests).toEqual([])
  })

  it('answers 502 in JSON when the upstream is down', async () => {
    await withTiles({ FULLGRID_TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png' })
    const res = await app.inject({ method: 'GET', url: '/api/tiles/5/1/1' })
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ error: 'tile_upstream_unreachable' })
  })

  it('configuration mistakes fail at start with a message', () => {
    expect(() => loadConfig({ FULLGRID_TILE_URL: 'ftp://x/{z}/{x}/{y}' })).toThrow(ConfigError)
    expect(() => loadConfig({ FULLGRID_TILE_URL: 'https://x/{z}/{x}', FULLGRID_TILE_CRS: 'wgs84' })).toThrow(/\{y\}/)
    expect(() => loadConfig({ FULLGRID_TILE_CRS: 'bd09' })).toThrow(/wgs84 or gcj02/)
    expect(() => loadConfig({ FULLGRID_TILE_MAX_ZOOM: '30' })).toThrow(/MAX_ZOOM/)
    expect(loadConfig({ FULLGRID_DATA: '/srv/fg' }).tiles.cacheDir).toBe('/srv/fg/tile-cache')
  })
})
