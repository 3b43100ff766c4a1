/**
 * Supervisor console endpoints (DESIGN §6: p95 ≤ 500 ms, goal ≤ 200 ms) with a street office of
 * 20,000 demo households, ~120 workers and 90 days of patrol tracks. The demo is seeded into a
 * fresh embedded database on disk (or PostgreSQL with --database-url), statistics are gathered
 * (ANALYZE), and each endpoint is asked `--runs` times in process (app.inject: routing, auth,
 * SQL, JSON; no network) after two warm-up calls. Prints JSON with p50/p95 per endpoint.
 *
 *   npx tsx bench/console.ts [--households 20000] [--days 90] [--runs 30] [--database-url postgres://…]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { openDatabase } from '../server/db/adapter'
import { migrate } from '../server/db/migrate'
import { buildApp } from '../server/app'
import { seedDemo } from '../server/seed'
import { DEMO_NOW, generateCommunity } from '../demo/generate'
import { dayOf as dayIn, isoWeekOf as weekIn } from '../src/domain/calendar'
import { DEFAULT_TIME_ZONE } from '../src/domain/constants'
import { arg, round } from './stats'

// The demo community's calendar (the server's default zone).
const dayOf = (t: number) => dayIn(t, DEFAULT_TIME_ZONE)
const isoWeekOf = (t: number) => weekIn(t, DEFAULT_TIME_ZONE)

export interface ConsoleBenchResult {
  name: 'console'
  households: number
  days: number
  workers: number
  patrols: number
  trackPoints: number
  database: string
  seedMs: number
  runs: number
  endpoints: { name: string; url: string; p50: number; p95: number; max: number; bytes: number; budgetMs: number; pass: boolean; goalMs: number; goal: boolean }[]
}

const BUDGET_MS = 500
const GOAL_MS = 200
const DAY = 86_400_000

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export async function benchConsole(opts: { households?: number; days?: number; runs?: number; databaseUrl?: string } = {}): Promise<ConsoleBenchResult> {
  const households = opts.households ?? 20_000
  const days = opts.days ?? 90
  const runs = opts.runs ?? 30
  const log = (...a: unknown[]) => console.error('[bench console]', ...a)
  const dir = opts.databaseUrl ? null : await mkdtemp(join(tmpdir(), 'fullgrid-console-'))
  const db = await openDatabase(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: dir! })
  try {
    await migrate(db)
    log(`generating ${households} households with ${days} days of patrols`)
    const demo = generateCommunity({ households, patrolDays: days })
    const trackPoints = demo.records.trackSegments.reduce((n, s) => n + s.points.length, 0)
    const started = performance.now()
    await seedDemo(db, demo, 'bench-pass-1')
    await db.exec('ANALYZE')
    const seedMs = performance.now() - started
    log(`seeded ${demo.records.patrols.length} patrols, ${trackPoints} track points in ${Math.round(seedMs)} ms`)

    const app = await buildApp({ db, staticDir: null, logger: false, now: () => DEMO_NOW })
    await app.ready()
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'supervisor', password: 'bench-pass-1', deviceId: 'bench-console' } })
    const headers = { authorization: `Bearer ${login.json().token}` }

    const workers = demo.records.users.filter((u) => u.role === 'worker')
    const grids = demo.records.grids.filter((g) => g.level === 'grid')
    const week = isoWeekOf(DEMO_NOW - 7 * DAY)
    const month = dayOf(DEMO_NOW - 15 * DAY).slice(0, 7)
    // Each run asks about another worker, grid or day, so no answer is merely cached by the database.
    const pick = <T>(list: T[], i: number) => list[(i * 7919) % list.length]
    const dayAgo = (i: number) => dayOf(DEMO_NOW - (1 + ((i * 13) % days)) * DAY)
    const endpoints: { name: string; url: (i: number) => string; runs?: number }[] = [
      { name: 'overview', url: () => '/api/supervisor/overview' },
      { name: 'tracks by worker and day', url: (i) => `/api/supervisor/tracks?day=${dayAgo(i)}&workerId=${pick(workers, i).id}` },
      { name: 'tracks by grid and day', url: (i) => `/api/supervisor/tracks?day=${dayAgo(i)}&gridId=${pick(grids, i).id}` },
      { name: '日日巡 calendar, 31 days, all grids', url: (i) => `/api/supervisor/daily?from=${dayOf(DEMO_NOW - (31 + (i % 30)) * DAY)}&to=${dayOf(DEMO_NOW - (1 + (i % 30)) * DAY)}` },
      { name: '走访覆盖 week', url: () => `/api/supervisor/coverage?week=${week}` },
      { name: '走访覆盖 month', url: () => `/api/supervisor/coverage?month=${month}` },
      { name: '走访覆盖 week, one grid', url: (i) => `/api/supervisor/coverage?week=${week}&gridId=${pick(grids, i).id}` },
      { name: '事件督办', url: () => '/api/supervisor/issues' },
      { name: '周报 JSON', url: () => `/api/reports/weekly?week=${week}` },
      { name: '周报 xlsx', url: () => `/api/reports/weekly?week=${week}&format=xlsx` },
      { name: '导出台账 xlsx, one grid', url: (i) => `/api/export/households.xlsx?gridId=${pick(grids, i).id}` },
      { name: '导出台账 xlsx, every household in scope', url: () => '/api/export/households.xlsx', runs: 5 },
    ]
    const results: ConsoleBenchResult['endpoints'] = []
    for (const e of endpoints) {
      const n = e.runs ?? runs
      const times: number[] = []
      let bytes = 0
      for (let i = -2; i < n; i++) {
        const url = e.url(Math.max(0, i))
        const t0 = performance.now()
        const res = await app.inject({ method: 'GET', url, headers })
        const ms = performance.now() - t0
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
        if (i >= 0) {
          times.push(ms)
          bytes = Math.max(bytes, res.rawPayload.length)
        }
      }
      times.sort((a, b) => a - b)
      const p95 = percentile(times, 95)
      results.push({
        name: e.name, url: e.url(0), p50: round(percentile(times, 50), 1), p95: round(p95, 1), max: round(times.at(-1)!, 1), bytes,
        budgetMs: BUDGET_MS, pass: p95 <= BUDGET_MS, goalMs: GOAL_MS, goal: p95 <= GOAL_MS,
      })
      log(`${e.name}: p50 ${round(percentile(times, 50), 1)} ms, p95 ${round(p95, 1)} ms`)
    }
    await app.close()
    return {
      name: 'console', households, days, workers: workers.length, patrols: demo.records.patrols.length, trackPoints,
      database: db.kind, seedMs: Math.round(seedMs), runs, endpoints: results,
    }
  } finally {
    await db.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchConsole({
    households: Number(arg('households', '20000')),
    days: Number(arg('days', '90')),
    runs: Number(arg('runs', '30')),
    databaseUrl: arg('database-url'),
  }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
