/**
 * Server configuration from the environment (DESIGN §5, README "Configuration"). Parsed once at
 * start so a typo fails loudly before anything listens.
 */
import { existsSync, readFileSync } from 'node:fs'
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
   * Behind a reverse proxy or load balancer, trust its X-Forwarded-For (`1`, or a list of proxy
   * addresses) so login throttling counts the phone's address, not the proxy's.
   */
  trustProxy: boolean | string
  /** Base map and time zone (server/tiles/config.ts). */
  tiles: TileConfig
}

export class ConfigError extends Error {}

/** The repository root (server/..), where package.json and the built app (dist/) live. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = env.FULLGRID_DATA?.trim() || './data'
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: intFrom(env, 'PORT', 8080, 0, 65535),
    dataDir: env.FULLGRID_DATA?.trim() || './data',
    databaseUrl: env.DATABASE_URL?.trim() || null,
    demo: env.FULLGRID_DEMO === '1' || env.FULLGRID_DEMO === 'true',
    demoHouseholds: env.FULLGRID_DEMO_HOUSEHOLDS ? intFrom(env, 'FULLGRID_DEMO_HOUSEHOLDS', 0, 1, 1_000_000) : null,
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
    trustProxy: trustProxyFrom(env.FULLGRID_TRUST_PROXY),
    tiles: tilesFrom(env, dataDir),
  }
}

function tilesFrom(env: NodeJS.ProcessEnv, dataDir: string): TileConfig {
  try {
    return loadTileConfig(env, dataDir)
  } catch (err) {
    throw err instanceof TileConfigError ? new ConfigError(err.message) : err
  }
}

function trustProxyFrom(raw: string | undefined): boolean | string {
  const v = raw?.trim()
  if (!v || v === '0' || v === 'false') return false
  if (v === '1' || v === 'true') return true
  return v
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

/** The built PWA (`dist/`), when `vite build` has run. */
export function defaultStaticDir(): string | null {
  const dir = REPO_ROOT + 'dist'
  return existsSync(dir + '/index.html') ? dir : null
}
