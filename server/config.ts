/**
 * Server configuration from the environment (DESIGN §5, README "Configuration"). Parsed once at
 * start so a typo fails loudly before anything listens.
 */
import { existsSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TileConfigError, loadTileConfig, type TileConfig } from './tiles/config'

export interface ServerConfig {
  host: string
  port: number
  /** Folder of the embedded database (PGlite); unused when `databaseUrl` is set. */
  dataDir: string
  databaseUrl: string | null
  /** Seed the demo community and its accounts on first start. */
  demo: boolean
  /** Size of the demo community (households); the generator's default when absent. */
  demoHouseholds: number | null
  /** Fastify log level; `warn` keeps request lines out of the way of benchmarks. */
  logLevel: string
  /**
   * Behind a reverse proxy or load balancer: which hops of X-Forwarded-For to believe, so login
   * throttling counts the phone's address, not the proxy's. A hop count (the N proxies nearest
   * the server) or a list of proxy addresses/CIDRs; never "every hop", which would let a client
   * pick its own address by sending a forged X-Forwarded-For.
   */
  trustProxy: false | number | string[]
  /** Folder of photo bytes: FULLGRID_BLOBS, else `<FULLGRID_DATA>/blobs` (also with DATABASE_URL). */
  blobDir: string
  /** Bytes of photos one user may upload per 24 hours (FULLGRID_UPLOAD_QUOTA_MB). */
  uploadQuotaBytes: number
  /** Base map (server/tiles/config.ts). */
  tiles: TileConfig
  /**
   * FULLGRID_TIME_ZONE: the community's calendar (src/domain/calendar.ts) for 日日巡, 走访覆盖 and
   * 周报 on the server, and, through /api/config, for 今日 and every date on the phones.
   */
  timeZone: string
}

export class ConfigError extends Error {}

/** The repository root (server/..), where package.json and the built app (dist/) live. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = env.FULLGRID_DATA?.trim() || './data'
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: intFrom(env, 'PORT', 8080, 0, 65535),
    dataDir,
    databaseUrl: env.DATABASE_URL?.trim() || null,
    demo: env.FULLGRID_DEMO === '1' || env.FULLGRID_DEMO === 'true',
    demoHouseholds: env.FULLGRID_DEMO_HOUSEHOLDS ? intFrom(env, 'FULLGRID_DEMO_HOUSEHOLDS', 0, 1, 1_000_000) : null,
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
    trustProxy: trustProxyFrom(env.FULLGRID_TRUST_PROXY),
    blobDir: env.FULLGRID_BLOBS?.trim() || join(dataDir, 'blobs'),
    uploadQuotaBytes: intFrom(env, 'FULLGRID_UPLOAD_QUOTA_MB', DEFAULT_UPLOAD_QUOTA_MB, 1, 1_000_000) * 1024 * 1024,
    ...tilesAndZone(env, dataDir),
  }
}

function tilesAndZone(env: NodeJS.ProcessEnv, dataDir: string): { tiles: TileConfig; timeZone: string } {
  const tiles = tilesFrom(env, dataDir)
  return { tiles, timeZone: tiles.timeZone }
}

function tilesFrom(env: NodeJS.ProcessEnv, dataDir: string): TileConfig {
  try {
    return loadTileConfig(env, dataDir)
  } catch (err) {
    throw err instanceof TileConfigError ? new ConfigError(err.message) : err
  }
}

export const DEFAULT_UPLOAD_QUOTA_MB = 200

/**
 * FULLGRID_TRUST_PROXY: `0`/empty → no proxy; an integer N → trust the N nearest hops (one proxy:
 * `1`); otherwise a comma-separated list of proxy addresses or CIDRs (`10.0.0.5, 172.16.0.0/12`,
 * or `loopback`, `linklocal`, `uniquelocal`).
 * `true` is refused: Fastify would then take the leftmost X-Forwarded-For entry, which the client
 * writes itself.
 */
export function trustProxyFrom(raw: string | undefined): false | number | string[] {
  const v = raw?.trim()
  if (!v || v === '0' || v === 'false') return false
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    if (hops > 10) throw new ConfigError(`FULLGRID_TRUST_PROXY hop count must be 0 to 10, got "${v}"`)
    return hops
  }
  if (v === 'true') {
    throw new ConfigError(
      'FULLGRID_TRUST_PROXY=true would trust any X-Forwarded-For a client sends; give the number of proxies (e.g. 1) or their addresses',
    )
  }
  const list = v.split(',').map((s) => s.trim()).filter(Boolean)
  for (const entry of list) {
    // proxy-addr's (Fastify's) names for the private ranges.
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address)
    const maxBits = family === 4 ? 32 : 128
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits)
    if (!family || !bitsOk || extra !== undefined) {
      throw new ConfigError(`FULLGRID_TRUST_PROXY: "${entry}" is not a hop count, an IP address or a CIDR range`)
    }
  }
  return list
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return n
}

/** The version in package.json, shown by /api/health. */
export function packageVersion(): string {
  const file = REPO_ROOT + 'package.json'
  if (!existsSync(file)) return '0.0.0'
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0'
}

/**
 * The built PWA (`dist/`, or FULLGRID_STATIC_DIR: a deployment that publishes each version to
 * its own folder, and the update test, which publishes a new version while the app runs).
 */
export function defaultStaticDir(): string | null {
  const dir = process.env.FULLGRID_STATIC_DIR || REPO_ROOT + 'dist'
  return existsSync(dir + '/index.html') ? dir : null
}
