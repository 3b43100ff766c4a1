/**
 * Server load bench (issue 13; DESIGN §6 "500 workers' mornings in ≤ 60 s on one process"):
 * N simulated grid workers, each with their own account and device, do their morning
 * (bench/load-morning.ts: log in, first sync of their grids, push 20 visits and a one-hour patrol
 * track, pull again) with at most `--concurrency` mornings in flight, round-robin over the server
 * processes. Configurations: 1, 2 and 4 processes on one PostgreSQL (the cluster CI starts, database
 * `fullgrid_bench` copied from a seeded `fullgrid_bench_seed` each time), and 1 process on the
 * embedded PGlite. After each run every pushed record is counted on the server (exactly once).
 * Prints JSON: wall time, requests/s, p50/p99 per endpoint, errors, CPU seconds of the server
 * processes, of PostgreSQL and of the load client itself (it shares the machine's cores), load
 * average. Never part of npm test.
 *
 *   npx tsx bench/load.ts [--workers 500] [--processes 1,2,4] [--pglite 1] [--concurrency 50]
 *        [--households 20000] [--assign grid|micro] [--database-url postgres://fullgrid:fullgrid@127.0.0.1:5432]
 *        [--timeout-s 900]
 *   npm run -s bench -- --only load --workers 500
 *   npm run -s bench -- --only load --city city|smoke [--communities 20] [--pglite 0]   (issue 22, bench/load-city.ts)
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { openDatabase, type Database } from '../server/db/adapter'
import { migrate } from '../server/db/migrate'
import { login, morning, pool, Recorder, type Endpoint, type MorningResult } from './load-morning'
import {
  benchUsernames, benchWorkers, checkExactlyOnce, databaseUrl, dropDatabase, loadAverage, machineCpu, postgresCpuSeconds,
  postmasterPid, processCpuSeconds, recreateDatabase, seedBench, startServerProcess, type ExactlyOnce, type SeedInfo, type ServerProcess,
} from './load-setup'
import { arg, round } from './stats'
import { CITY_PRESETS, sampleFirstSync, sampleIncremental, type PullRows } from './load-city'

export interface LoadOptions {
  workers?: number
  /** Process counts on PostgreSQL (empty: none). */
  processes?: number[]
  /** Also run 1 process on the embedded database. */
  pglite?: boolean
  concurrency?: number
  households?: number
  assign?: 'grid' | 'micro'
  /** PostgreSQL server (any database path; the bench uses its own databases on it). */
  databaseUrl?: string
  timeoutS?: number
  /** Communities of the city dataset (bench/load-city.ts); unset: the one demo community. */
  communities?: number
}

const GOAL_S = 60
const log = (...a: unknown[]) => console.error('[bench load]', ...a)

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

function latency(values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  return { count: s.length, p50: round(percentile(s, 50), 1), p99: round(percentile(s, 99), 1), max: round(s[s.length - 1] ?? NaN, 1) }
}

interface CpuMark {
  servers: number[]
  pg: number | null
  self: NodeJS.CpuUsage
  machine: { busy: number; total: number }
}

function cpuMark(servers: ServerProcess[], pgPid: number | null): CpuMark {
  return { servers: servers.map((s) => processCpuSeconds(s.pid)), pg: pgPid ? postgresCpuSeconds(pgPid) : null, self: process.cpuUsage(), machine: machineCpu() }
}

/** CPU seconds between two marks: each server process, their sum, PostgreSQL, the load client, the machine. */
function cpuBetween(a: CpuMark, b: CpuMark) {
  const serverProcesses = b.servers.map((v, i) => round(v - a.servers[i], 2))
  return {
    serverProcesses,
    serverTotal: round(serverProcesses.reduce((x, y) => x + y, 0), 2),
    postgres: a.pg !== null && b.pg !== null ? round(b.pg - a.pg, 2) : null,
    loadClient: round((b.self.user - a.self.user + b.self.system - a.self.system) / 1e6, 2),
    machineBusy: round(b.machine.busy - a.machine.busy, 2),
    machineCores: cpus().length,
  }
}

interface Phase {
  wallS: number
  requests: number
  requestsPerS: number
  errors: number
  errorSamples: string[]
  cpuS: ReturnType<typeof cpuBetween>
  /** Server CPU seconds per wall second: 1.0 is one core busy all the time. */
  serverCoresBusy: number
  loadAverageAfter: string
}

function phaseOf(rec: Recorder, wallS: number, a: CpuMark, b: CpuMark, failed: number): Phase {
  const cpuS = cpuBetween(a, b)
  return {
    wallS: round(wallS, 2),
    requests: rec.requests,
    requestsPerS: round(rec.requests / wallS, 1),
    // Failed requests and refused mutations; a morning that failed otherwise counts once.
    errors: Math.max(rec.errors, failed),
    errorSamples: rec.errorSamples,
    cpuS,
    serverCoresBusy: round(cpuS.serverTotal / wallS, 2),
    loadAverageAfter: loadAverage(),
  }
}

interface RunResult {
  config: string
  database: 'postgres' | 'pglite'
  processes: number
  workers: number
  concurrency: number
  /** Phase 1: every worker logs in (scrypt check per login), `concurrency` at a time. */
  logins: Phase & { done: number; endpoint: ReturnType<typeof latency> }
  /** Phase 2: the mornings — first sync, push, pull again — `concurrency` at a time. */
  mornings: Phase & {
    done: number
    failed: number
    endpoints: Record<Exclude<Endpoint, 'login'> | 'pull', ReturnType<typeof latency>>
    firstSync: { changesPerWorker: { min: number; max: number }; householdsPerWorker: { min: number; max: number } }
    ownRecordsSeenInPullAgain: { of: number; seen: number }
    mbReceived: number
  }
  goalS: number
  /** The mornings (phase 2) of every worker within GOAL_S. */
  goalMet: boolean
  /** Logins and mornings together within GOAL_S. */
  goalMetWithLogins: boolean
  totalWallS: number
  loadAverageBefore: string
  exactlyOnce: ExactlyOnce | { pass: false; error: string }
  /** PostgreSQL: EXPLAIN ANALYZE of a sample's first-sync page and incremental pull (bench/load-city.ts). */
  pullRows?: { firstSync: PullRows[]; incremental: PullRows[] }
  errors: number
  serverLog?: string
}

async function runLoad(
  config: string,
  database: 'postgres' | 'pglite',
  servers: ServerProcess[],
  opts: Required<Omit<LoadOptions, 'databaseUrl' | 'processes' | 'pglite' | 'communities'>>,
  verify: (pushed: MorningResult['pushed'], mutationIds: string[]) => Promise<ExactlyOnce>,
  pgPid: number | null,
): Promise<RunResult> {
  const workers = benchWorkers(opts.workers, `${config}-${Date.now().toString(36)}`)
  const serverOf = (i: number) => servers[i % servers.length].url
  const loadAverageBefore = loadAverage()
  const deadline = Date.now() + opts.timeoutS * 1000

  const recLogin = new Recorder()
  const m0 = cpuMark(servers, pgPid)
  let t = performance.now()
  const sessions = await pool(workers.length, opts.concurrency, deadline, (i) => login(recLogin, serverOf(i), workers[i], 120_000))
  const loginWall = (performance.now() - t) / 1000
  const m1 = cpuMark(servers, pgPid)
  const loggedIn = sessions.filter((s) => !!s).length

  const rec = new Recorder()
  t = performance.now()
  const results = await pool(workers.length, opts.concurrency, deadline, async (i) => {
    const s = sessions[i]
    return s ? morning(rec, serverOf(i), workers[i], s, 120_000) : undefined
  })
  const syncWall = (performance.now() - t) / 1000
  const m2 = cpuMark(servers, pgPid)

  const done = results.filter((r): r is MorningResult => !!r?.ok)
  const failed = workers.length - done.length
  for (const r of results) if (r && !r.ok && rec.errorSamples.length < 20) rec.errorSamples.push(r.error ?? 'unknown')
  const notRun = results.filter((r) => !r).length
  if (notRun) rec.errorSamples.push(`${notRun} mornings not run (login failed or the ${opts.timeoutS} s limit passed)`)
  // Every record of a push answered `applied` must be on the server exactly once.
  const applied = results.filter((r): r is MorningResult => !!r?.pushApplied)
  let exactlyOnce: RunResult['exactlyOnce']
  try {
    exactlyOnce = await verify(applied.flatMap((r) => r.pushed), applied.flatMap((r) => r.mutationIds))
  } catch (err) {
    exactlyOnce = { pass: false, error: String((err as Error).stack ?? err) }
  }
  const range = (v: number[]) => ({ min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN })
  const logins = { ...phaseOf(recLogin, loginWall, m0, m1, workers.length - loggedIn), done: loggedIn, endpoint: latency(recLogin.ms.login) }
  const mornings = {
    ...phaseOf(rec, syncWall, m1, m2, failed),
    done: done.length,
    failed,
    endpoints: {
      pullFirst: latency(rec.ms.pullFirst),
      push: latency(rec.ms.push),
      pullAgain: latency(rec.ms.pullAgain),
      pull: latency([...rec.ms.pullFirst, ...rec.ms.pullAgain]),
    },
    firstSync: {
      changesPerWorker: range(done.map((r) => r.firstSyncChanges)),
      householdsPerWorker: range(done.map((r) => r.firstSyncHouseholds)),
    },
    ownRecordsSeenInPullAgain: { of: done.reduce((n, r) => n + r.pushed.length, 0), seen: done.reduce((n, r) => n + r.ownSeenAgain, 0) },
    mbReceived: round(rec.bytesIn / 1024 / 1024, 1),
  }
  const complete = done.length === opts.workers
  return {
    config,
    database,
    processes: servers.length,
    workers: opts.workers,
    concurrency: opts.concurrency,
    logins,
    mornings,
    goalS: GOAL_S,
    goalMet: complete && syncWall <= GOAL_S,
    goalMetWithLogins: complete && loginWall + syncWall <= GOAL_S,
    totalWallS: round(loginWall + syncWall, 2),
    loadAverageBefore,
    exactlyOnce,
    errors: logins.errors + mornings.errors,
    ...(!complete ? { serverLog: servers.map((s) => s.output().slice(-3000)).join('\n---\n') } : {}),
  }
}

async function withServers<T>(count: number, env: Record<string, string>, f: (servers: ServerProcess[]) => Promise<T>): Promise<T> {
  const servers: ServerProcess[] = []
  try {
    // One after the other: each start runs migrations (a no-op after the first) and warms up tsx.
    for (let i = 0; i < count; i++) servers.push(await startServerProcess(env))
    return await f(servers)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
}

export async function benchLoad(o: LoadOptions = {}) {
  const opts = {
    workers: o.workers ?? 500,
    concurrency: o.concurrency ?? 50,
    households: o.households ?? 20_000,
    assign: o.assign ?? 'grid',
    timeoutS: o.timeoutS ?? 900,
    ...(o.communities ? { communities: o.communities } : {}),
  }
  const processes = o.processes ?? [1, 2, 4]
  const pglite = o.pglite ?? true
  const pgBase = o.databaseUrl ?? process.env.LOAD_DATABASE_URL ?? 'postgres://fullgrid:fullgrid@127.0.0.1:5432/postgres'
  // The city has databases of its own, so a city run and a demo run on one cluster do not collide.
  const RUN_DB = o.communities ? 'fullgrid_bench_city' : 'fullgrid_bench'
  const SEED_DB = `${RUN_DB}_seed`
  const usernames = benchUsernames(opts.workers)
  const runs: RunResult[] = []
  const setup: Record<string, SeedInfo & { database: string }> = {}
  const blobs = await mkdtemp(path.join(tmpdir(), 'fullgrid-load-blobs-'))
  const started = Date.now()
  try {
    if (processes.length) {
      log(`seeding ${SEED_DB}: ${opts.households} households, ${opts.workers} workers`)
      await recreateDatabase(pgBase, SEED_DB)
      const db = await openDatabase({ databaseUrl: databaseUrl(pgBase, SEED_DB) })
      try {
        await migrate(db)
        setup.postgres = { database: 'postgres', ...(await seedBench(db, opts, log)) }
      } finally {
        await db.close()
      }
      log('seeded', JSON.stringify(setup.postgres))
      const pgPid = postmasterPid()
      for (const n of processes) {
        await recreateDatabase(pgBase, RUN_DB, SEED_DB)
        const url = databaseUrl(pgBase, RUN_DB)
        const dataDir = await mkdtemp(path.join(tmpdir(), 'fullgrid-load-data-'))
        try {
          const env = { DATABASE_URL: url, FULLGRID_BLOBS: blobs, FULLGRID_DATA: dataDir }
          // Five workers spread over the list (so over the communities): first sync now, incremental after the mornings.
          // (+ k: workers go round-robin over the grids, so multiples of a fifth could all share one grid)
          const sampleNames = [0, 1, 2, 3, 4].map((k) => usernames[Math.min(usernames.length - 1, Math.floor((k * usernames.length) / 5) + k)]).filter((u, k, a) => u && a.indexOf(u) === k)
          const sdb = await openDatabase({ databaseUrl: url })
          const sample = await sampleFirstSync(sdb, sampleNames).finally(() => sdb.close())
          const r = await withServers(n, env, async (servers) => {
            log(`postgres × ${n}: ${servers.map((s) => s.url).join(' ')}; load ${loadAverage()}`)
            return runLoad(`postgres-${n}`, 'postgres', servers, opts, async (pushed, ids) => {
              const db = await openDatabase({ databaseUrl: url })
              try {
                return await checkExactlyOnce(db, pushed, ids, usernames)
              } finally {
                await db.close()
              }
            }, pgPid)
          })
          const idb = await openDatabase({ databaseUrl: url })
          r.pullRows = { firstSync: sample.first, incremental: await sampleIncremental(idb, sample).finally(() => idb.close()) }
          log(summaryLine(r))
          runs.push(r)
        } finally {
          await rm(dataDir, { recursive: true, force: true })
        }
      }
      await dropDatabase(pgBase, RUN_DB)
      await dropDatabase(pgBase, SEED_DB)
    }
    if (pglite) {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'fullgrid-load-pglite-'))
      try {
        log(`seeding PGlite in ${dataDir}`)
        let db: Database = await openDatabase({ dataDir })
        try {
          await migrate(db)
          setup.pglite = { database: 'pglite', ...(await seedBench(db, opts)) }
        } finally {
          await db.close()
        }
        log('seeded', JSON.stringify(setup.pglite))
        // The server holds the folder while it runs; the check opens it after the server stopped.
        let pending: { pushed: MorningResult['pushed']; ids: string[] } | null = null
        const r = await withServers(1, { FULLGRID_DATA: dataDir, FULLGRID_BLOBS: blobs }, (servers) =>
          runLoad('pglite-1', 'pglite', servers, opts, async (pushed, ids) => {
            pending = { pushed, ids }
            return { pass: false, pushedRecords: pushed.length } as ExactlyOnce
          }, null),
        )
        if (pending) {
          const { pushed, ids } = pending as { pushed: MorningResult['pushed']; ids: string[] }
          db = await openDatabase({ dataDir })
          try {
            r.exactlyOnce = await checkExactlyOnce(db, pushed, ids, usernames)
          } catch (err) {
            r.exactlyOnce = { pass: false, error: String((err as Error).stack ?? err) }
          } finally {
            await db.close()
          }
        }
        log(summaryLine(r))
        runs.push(r)
      } finally {
        await rm(dataDir, { recursive: true, force: true })
      }
    }
  } finally {
    await rm(blobs, { recursive: true, force: true })
  }
  const pg1 = runs.find((r) => r.config === 'postgres-1')
  const lite = runs.find((r) => r.config === 'pglite-1')
  return {
    name: `load: ${opts.workers} workers' mornings (login, first sync, push 20 visits + a 1-hour patrol, pull again)`,
    machine: { cores: cpus().length, model: cpus()[0]?.model, node: process.version, note: 'the load client runs on the same cores as the servers and PostgreSQL' },
    options: { ...opts, processes, pglite },
    setup,
    goal: {
      seconds: GOAL_S,
      mornings: { postgres1: pg1?.goalMet ?? null, pglite1: lite?.goalMet ?? null },
      morningsWithLogins: { postgres1: pg1?.goalMetWithLogins ?? null, pglite1: lite?.goalMetWithLogins ?? null },
    },
    pass: runs.length > 0 && runs.every((r) => r.errors === 0 && r.exactlyOnce.pass),
    totalSeconds: round((Date.now() - started) / 1000, 1),
    runs,
  }
}

function summaryLine(r: RunResult): string {
  const m = r.mornings
  return `${r.config}: logins ${r.logins.done}/${r.workers} in ${r.logins.wallS} s (p50/p99 ${r.logins.endpoint.p50}/${r.logins.endpoint.p99} ms, ` +
    `server CPU ${r.logins.cpuS.serverTotal} s); mornings ${m.done}/${r.workers} in ${m.wallS} s, ${m.requestsPerS} req/s, errors ${r.errors}, ` +
    `pull ${m.endpoints.pull.p50}/${m.endpoints.pull.p99}, push ${m.endpoints.push.p50}/${m.endpoints.push.p99} ms, server CPU ${m.cpuS.serverTotal} s, ` +
    `pg ${m.cpuS.postgres} s, client ${m.cpuS.loadClient} s, exactly once ${r.exactlyOnce.pass}, load ${m.loadAverageAfter}` +
    (r.pullRows ? `\n  rows read/returned: first sync ${r.pullRows.firstSync.map((p) => `${p.rowsRead}/${p.returned} ${p.serverMs} ms (all pages ${p.allPagesMs} ms)`).join(', ')}; ` +
      `incremental ${r.pullRows.incremental.map((p) => `${p.rowsRead}/${p.returned} ${p.serverMs} ms`).join(', ')}` : '') +
    (r.errors ? `\n  errors: ${[...r.logins.errorSamples, ...m.errorSamples].slice(0, 5).join('\n  ')}` : '')
}

/** Options shared by `npx tsx bench/load.ts` and `npm run bench -- --only load`. */
export function loadOptionsFromArgs(): LoadOptions {
  const list = (s: string | undefined) => (s ?? '').split(',').filter(Boolean).map(Number)
  // --city city|smoke: the city dataset's presets (bench/load-city.ts); --workers etc. still override.
  const preset = CITY_PRESETS[arg('city', '') as keyof typeof CITY_PRESETS] as (typeof CITY_PRESETS)[keyof typeof CITY_PRESETS] | undefined
  const given = (name: string) => arg(name) !== undefined
  return {
    ...(preset ? { communities: Number(arg('communities', String(preset.communities))) } : {}),
    workers: Number(arg('workers', preset && !given('workers') ? String(preset.workers) : '500')),
    processes: list(arg('processes', '1,2,4')),
    pglite: arg('pglite', '1') !== '0',
    concurrency: Number(arg('concurrency', '50')),
    households: Number(arg('households', preset && !given('households') ? String(preset.households) : '20000')),
    assign: arg('assign', 'grid') === 'micro' ? 'micro' : 'grid',
    databaseUrl: arg('database-url'),
    timeoutS: Number(arg('timeout-s', '900')),
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchLoad(loadOptionsFromArgs())
  console.log(JSON.stringify(result, null, 2))
  process.exitCode = result.pass ? 0 : 1
}
