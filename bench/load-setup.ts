/**
 * What the load bench needs around the morning itself (bench/load-morning.ts):
 *  - seeding: the demo community and N bench worker accounts, each assigned one grid, written
 *    with the server's own code (seedDemo, putWholeRecords) into PostgreSQL or a PGlite folder;
 *  - PostgreSQL databases for the bench (`fullgrid_bench_seed` seeded once, `fullgrid_bench`
 *    copied from it for every configuration), never the test database;
 *  - server processes (`node --import tsx server/main.ts`, 127.0.0.1, port chosen at run time),
 *    stopped by the caller and, as a last resort, when the bench process exits;
 *  - CPU seconds of processes from /proc (process.cpuUsage only sees the bench's own process);
 *  - the exactly-once check of every pushed record, in SQL.
 */
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import type { Database, Queryable } from '../server/db/adapter'
import { putWholeRecords } from '../server/records'
import { hashPassword } from '../server/auth/password'
import { seedDemo } from '../server/seed'
import { generateCommunity } from '../demo/generate'
import { formatHlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import type { User } from '../src/domain/entities'
import type { BenchWorker, PushedRecord } from './load-morning'
import { seedCity } from './load-city'
import { startServer, type RunningServer } from '../tests/e2e/harness'

export const BENCH_PASSWORD = 'load-bench-1'

// ---------------------------------------------------------------------------------------------
// Seeding

export interface SeedInfo {
  households: number
  records: number
  grids: number
  workers: number
  seedMs: number
  /**
   * One scrypt hash at the server's cost (DEFAULT_SCRYPT), the price of each login's check:
   * median wall time and CPU time of 5 hashes one after the other (process CPU: all threads).
   */
  scryptHashMs: number
  scryptCpuMs: number
}

/**
 * The demo community (dated now, so its visits are recent) plus `workers` accounts load001 … with
 * the server's default scrypt cost, each assigned one grid-level grid of the first community in
 * turn (a worker's first sync is their grid and its micro-grids, ~400 households at 20,000).
 * All bench accounts share one password hash: hashing 500 times would only slow the setup; every
 * login still pays the full scrypt check.
 */
export async function seedBench(
  db: Database,
  opts: { households: number; workers: number; assign: 'grid' | 'micro'; communities?: number },
  log?: (s: string) => void,
): Promise<SeedInfo> {
  const started = performance.now()
  let grids: { id: string }[]
  let records: number
  let households: number
  if (opts.communities) {
    // The city (bench/load-city.ts): many communities, workers over all of their grids.
    const city = await seedCity(db, { communities: opts.communities, households: opts.households, now: Date.now(), log })
    grids = city.gridIds.map((id) => ({ id }))
    records = city.records
    households = city.households
  } else {
    const community = generateCommunity({ households: opts.households, now: Date.now() })
    await seedDemo(db, community, BENCH_PASSWORD)
    grids = community.records.grids.filter((g) => g.communityId === community.communityId && g.level === opts.assign)
    records = Object.values(community.records).reduce((n, list) => n + list.length, 0)
    households = community.records.households.length
  }
  const walls: number[] = []
  const cpu: number[] = []
  let hash = ''
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    const c = process.cpuUsage()
    hash = await hashPassword(BENCH_PASSWORD)
    const used = process.cpuUsage(c)
    walls.push(performance.now() - t)
    cpu.push((used.user + used.system) / 1000)
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]
  const hlc = formatHlc({ wall: Date.now(), counter: 0, node: 'server' })
  const users: User[] = benchUsernames(opts.workers).map((username, i) => ({
    id: uuidv7(),
    hlc,
    deleted: false,
    name: `负载${username}`,
    role: 'worker',
    gridIds: [grids[i % grids.length].id],
    phone: '',
  }))
  await db.transaction(async (tx) => {
    await putWholeRecords(tx, 'users', users)
    await tx.query(
      `INSERT INTO credentials (user_id, username, password_hash)
       SELECT u, n, $3 FROM unnest($1::uuid[], $2::text[]) AS v(u, n)`,
      [users.map((u) => u.id), benchUsernames(opts.workers), hash],
    )
  })
  // Fresh statistics, as a production database has them (PGlite has no autovacuum).
  await db.exec('ANALYZE')
  return {
    households,
    records,
    grids: grids.length,
    workers: opts.workers,
    seedMs: Math.round(performance.now() - started),
    scryptHashMs: Math.round(median(walls)),
    scryptCpuMs: Math.round(median(cpu)),
  }
}

export function benchUsernames(n: number): string[] {
  const width = Math.max(3, String(n).length)
  return Array.from({ length: n }, (_, i) => `load${String(i + 1).padStart(width, '0')}`)
}

export function benchWorkers(n: number, run: string): BenchWorker[] {
  return benchUsernames(n).map((username) => ({ username, password: BENCH_PASSWORD, deviceId: `load-${run}-${username}` }))
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL databases for the bench

export function databaseUrl(base: string, name: string): string {
  const u = new URL(base)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin<T>(base: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  // The maintenance database: the bench databases themselves are dropped and created from here.
  const c = new pg.Client({ connectionString: databaseUrl(base, 'postgres') })
  await c.connect()
  try {
    return await f(c)
  } finally {
    await c.end()
  }
}

const SAFE_NAME = /^fullgrid_bench[a-z0-9_]*$/

/** Drops and creates database `name` (optionally as a copy of `template`); only bench names. */
export async function recreateDatabase(base: string, name: string, template?: string): Promise<void> {
  if (!SAFE_NAME.test(name) || (template && !SAFE_NAME.test(template))) throw new Error(`refusing to recreate ${name}: not a bench database name`)
  await admin(base, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`)
  })
}

export async function dropDatabase(base: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`refusing to drop ${name}: not a bench database name`)
  await admin(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
}

// ---------------------------------------------------------------------------------------------
// Server processes: the e2e harness's startServer (node with tsx as a loader, its own process group,
// stopped by the harness on exit), without the demo and without the built app.

export type ServerProcess = RunningServer

/** One `server/main.ts` process on 127.0.0.1 and a free port; resolves when it listens. */
export function startServerProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  return startServer({ demo: false, app: false, timeoutMs, env: { LOG_LEVEL: 'warn', ...env } })
}

// ---------------------------------------------------------------------------------------------
// CPU from /proc

const TICKS = 100 // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces: fields start after its closing parenthesis.
    return s.slice(s.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid)
  return f ? (Number(f[11]) + Number(f[12])) / TICKS : NaN
}

/**
 * CPU seconds of the PostgreSQL cluster: the postmaster, its live children, and children it has
 * already reaped (cutime/cstime), so backends that ended during the run still count. Other
 * databases of the same cluster (other developers' tests) count too: the figure is an upper bound.
 */
export function postgresCpuSeconds(postmasterPid: number): number {
  const f = statFields(postmasterPid)
  if (!f) return NaN
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const c = statFields(Number(name))
    if (c && Number(c[1]) === postmasterPid) ticks += Number(c[11]) + Number(c[12])
  }
  return ticks / TICKS
}

export function postmasterPid(): number | null {
  try {
    return Number(readFileSync('/var/run/postgresql/15-main.pid', 'utf8').split('\n')[0])
  } catch {
    return null
  }
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat). */
export function machineCpu(): { busy: number; total: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
  const n = v.map(Number)
  const idle = n[3] + (n[4] ?? 0)
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: (total - idle) / TICKS, total: total / TICKS }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

// ---------------------------------------------------------------------------------------------
// Exactly once

export interface ExactlyOnce {
  pass: boolean
  pushedRecords: number
  /** Pushed record ids found on the server exactly once / not at all / more than once. */
  presentOnce: number
  missing: number
  duplicated: number
  /** Applied mutation ids recorded by the server, of those pushed. */
  mutationsRecorded: number
  mutationsPushed: number
  /** Records of the bench workers per entity on the server (no extras beyond what was pushed). */
  serverCounts: Record<string, number>
  expectedCounts: Record<string, number>
  /** Patrols whose end (the second mutation of the record) was merged. */
  patrolsEnded: number
}

export async function checkExactlyOnce(db: Queryable, pushed: PushedRecord[], mutationIds: string[], usernames: string[]): Promise<ExactlyOnce> {
  const { rows } = await db.query<{ n: number; c: number }>(
    `SELECT c::int, count(*)::int AS n FROM (
       SELECT k.entity, k.id, count(r.id) AS c
         FROM unnest($1::text[], $2::uuid[]) AS k(entity, id)
         LEFT JOIN records r ON r.id = k.id
        GROUP BY k.entity, k.id) x
      GROUP BY c`,
    [pushed.map((p) => p.entity), pushed.map((p) => p.id)],
  )
  const byCount = new Map(rows.map((r) => [Number(r.c), Number(r.n)]))
  const presentOnce = byCount.get(1) ?? 0
  const missing = byCount.get(0) ?? 0
  const duplicated = [...byCount].filter(([c]) => c > 1).reduce((s, [, n]) => s + n, 0)
  const muts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mutations WHERE id = ANY($1::uuid[])', [mutationIds])
  const counts = await db.query<{ entity: string; n: number }>(
    `SELECT r.entity, count(*)::int AS n FROM records r
       JOIN credentials c ON c.user_id = r.owner_id AND c.username = ANY($1::text[])
      WHERE r.entity IN ('visits', 'patrols', 'trackSegments') GROUP BY r.entity`,
    [usernames],
  )
  const ended = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM records r JOIN credentials c ON c.user_id = r.owner_id AND c.username = ANY($1::text[])
      WHERE r.entity = 'patrols' AND r.data->>'endedAt' IS NOT NULL AND (r.data->>'pointCount')::int > 0`,
    [usernames],
  )
  const serverCounts = Object.fromEntries(counts.rows.map((r) => [r.entity, Number(r.n)]))
  const expectedCounts: Record<string, number> = {}
  for (const p of pushed) expectedCounts[p.entity] = (expectedCounts[p.entity] ?? 0) + 1
  const sameCounts = ['visits', 'patrols', 'trackSegments'].every((e) => (serverCounts[e] ?? 0) === (expectedCounts[e] ?? 0))
  const mutationsRecorded = Number(muts.rows[0].n)
  return {
    pass: presentOnce === pushed.length && missing === 0 && duplicated === 0 && mutationsRecorded === mutationIds.length && sameCounts
      && Number(ended.rows[0].n) === (expectedCounts.patrols ?? 0),
    pushedRecords: pushed.length,
    presentOnce,
    missing,
    duplicated,
    mutationsRecorded,
    mutationsPushed: mutationIds.length,
    serverCounts,
    expectedCounts,
    patrolsEnded: Number(ended.rows[0].n),
  }
}
