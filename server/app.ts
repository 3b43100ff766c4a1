/**
 * The app factory (fastify/demo's shape): external plugins (security headers, compression), then
 * app plugins — database, repositories, blob store, auth, each named with its dependencies —
 * then routes, then the built PWA. No listening and no process state here, so tests build as many
 * apps as they like and `server/main.ts` stays thin.
 */
import { constants as zlib } from 'node:zlib'
import { existsSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import compress from '@fastify/compress'
import helmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Database } from './db/adapter'
import { defaultStaticDir, packageVersion } from './config'
import { installErrorHandler, installNotFoundHandler } from './errors'
import databasePlugin from './plugins/database'
import repositoriesPlugin from './plugins/repositories'
import blobStorePlugin from './plugins/blobStore'
import type { BlobStore } from './sync/blobStore'
import authPlugin, { type AuthOptions } from './auth/plugin'
import authRoutes from './auth/routes'
import devicesRoutes from './devices'
import syncRoutes from './sync/routes'
import tilesPlugin from './tiles/plugin'
import { loadTileConfig, type TileConfig } from './tiles/config'
import supervisorRoutes from './supervisor/plugin'
import reportsRoutes from './reports/plugin'
import ledgerIoRoutes from './ledger-io/plugin'
import adminRoutes from './admin/plugin'
import checklistAdminRoutes from './admin/checklists'
import setupRoutes from './setup/routes'
import campaignRoutes from './campaigns/plugin'
import './types'

export interface BuildAppOptions {
  db: Database
  /** Close `db` when the app closes (server/main.ts); tests close it themselves. */
  closeDb?: boolean
  /** Folder of photo bytes, or a ready store; absent: a temporary folder removed on close. */
  blobs?: string | BlobStore
  /** Bytes of photos one user may upload per 24 hours (default 200 MB). */
  uploadQuotaBytes?: number
  /** Shown by /api/health; package.json's version by default. */
  version?: string
  /** The built PWA; `undefined`: `dist/` of the repository if it exists; `null`: API only. */
  staticDir?: string | null
  logger?: boolean
  /** Log level when `logger` is on. */
  logLevel?: string
  /** Clock in UTC ms for sessions and throttling (tests move it). */
  now?: () => number
  /** Login throttling limits and session lifetime (tests make them small). */
  auth?: Omit<AuthOptions, 'now'>
  /**
   * Fastify's trustProxy, from FULLGRID_TRUST_PROXY (server/config.ts): a hop count or proxy
   * addresses/CIDRs, so request.ip (login throttling) is the client's. Never `true`, which would
   * believe the leftmost X-Forwarded-For entry, written by the client itself.
   */
  trustProxy?: false | number | string | string[]
  /** Largest request body in bytes; routes that take more (blobs) set their own. */
  bodyLimit?: number
  /** Base map for /api/config and /api/tiles; none (schematic map) by default. */
  tiles?: TileConfig
  /** The community's calendar (FULLGRID_TIME_ZONE); `tiles.timeZone`, else Asia/Shanghai. */
  timeZone?: string
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT
  const app = Fastify({
    logger: opts.logger ? { level: opts.logLevel ?? 'info' } : false,
    bodyLimit,
    // A hop count as proxy-addr reads it: the N addresses nearest the server are proxies.
    trustProxy: typeof opts.trustProxy === 'number' ? trustHops(opts.trustProxy) : (opts.trustProxy ?? false),
    // `/api/me/` is `/api/me`: hand-typed and proxied URLs often gain a trailing slash.
    routerOptions: { ignoreTrailingSlash: true },
  })
  const staticDir = opts.staticDir === undefined ? defaultStaticDir() : opts.staticDir
  const hasIndex = !!staticDir && existsSync(join(staticDir, 'index.html'))
  installErrorHandler(app, { bodyLimit })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  // An empty body with `Content-Type: application/json` (common for bodiless POSTs such as
  // logout) is "no body", not a 400; everything else goes through Fastify's safe JSON parser.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  // The API speaks JSON only; plain text would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString()
    if (text.trim() === '') return done(null, undefined)
    return parseJson(request, text, done)
  })

  await app.register(databasePlugin, { db: opts.db, close: opts.closeDb })
  await app.register(repositoriesPlugin)
  await app.register(blobStorePlugin, { store: opts.blobs })

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // 'wasm-unsafe-eval' compiles WebAssembly only (hash-wasm's Argon2id for the PIN, issue 19);
        // string eval stays refused.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        // Vant and Leaflet set inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Photos are shown from blob: URLs; map tiles come from https tile servers.
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        // The service worker fetches and caches map tiles.
        connectSrc: ["'self'", 'https:'],
        workerSrc: ["'self'", 'blob:'],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: a grid office may serve the app over plain http on its LAN.
      },
    },
    // Tiles and photos from other origins must still load in the page.
    crossOriginEmbedderPolicy: false,
    // HSTS on a plain-http LAN deployment would lock browsers out; a TLS proxy sets its own.
    strictTransportSecurity: false,
  })

  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    // Quality 11 (the default) is for build-time compression; per response it costs too much CPU.
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  })

  installNotFoundHandler(app, { notFound: hasIndex ? historyFallback : undefined })

  const authOptions: AuthOptions = { ...opts.auth, now: opts.now }
  await app.register(authPlugin, authOptions)

  const version = opts.version ?? packageVersion()
  const healthSchema = z.object({ ok: z.literal(true), db: z.enum(['pglite', 'postgres']), version: z.string() })
  app.get('/api/health', { schema: { response: { 200: healthSchema } } }, async () => ({ ok: true as const, db: app.db.kind, version }))

  await app.register(authRoutes, authOptions)
  await app.register(devicesRoutes, { now: opts.now })
  await app.register(syncRoutes, { prefix: '/api', blobs: { uploadQuotaBytes: opts.uploadQuotaBytes, now: opts.now } })
  const tiles = opts.tiles ?? loadTileConfig({}, 'memory://')
  // One zone for every answer: /api/config hands it to the phones, the console's aggregates count in it.
  const timeZone = opts.timeZone ?? tiles.timeZone
  await app.register(tilesPlugin, { tiles: { ...tiles, timeZone } })
  await app.register(supervisorRoutes, { now: opts.now, timeZone })
  await app.register(reportsRoutes, { timeZone })
  await app.register(ledgerIoRoutes, { now: opts.now })
  await app.register(adminRoutes, { now: opts.now, timeZone, tiles })
  await app.register(checklistAdminRoutes, { now: opts.now })
  await app.register(setupRoutes, { now: opts.now })
  await app.register(campaignRoutes, { now: opts.now })

  if (staticDir) await registerStatic(app, staticDir)

  return app
}

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops
}

const NO_CACHE = 'no-cache'
const IMMUTABLE = 'public, max-age=31536000, immutable'

async function registerStatic(app: FastifyInstance, root: string) {
  // Vite puts content-hashed files under assets/; their names change whenever they do.
  const assetsDir = resolve(root, 'assets') + sep
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Cache-Control is decided per file below: hashed assets forever, everything else revalidated
    // (index.html and sw.js above all, or an update would never reach the phones).
    cacheControl: false,
    setHeaders(reply, path) {
      reply.header('cache-control', resolve(root, path).startsWith(assetsDir) ? IMMUTABLE : NO_CACHE)
    },
  })
}

/** Any GET of a non-API path that wants HTML is the app's client-side router's business. */
function historyFallback(request: FastifyRequest, reply: FastifyReply) {
  const wantsHtml = (request.headers.accept ?? '').includes('text/html')
  if ((request.method === 'GET' || request.method === 'HEAD') && wantsHtml) {
    return reply.header('cache-control', NO_CACHE).type('text/html; charset=utf-8').sendFile('index.html')
  }
  return reply.code(404).send({ error: 'not_found', message: `找不到 ${request.url.split('?')[0]}` })
}
