/**
 * Issue 21: a 专项排查 over a whole street office — every household of the demo community
 * (20,000 by default) as a target. The demo is seeded into a fresh embedded database on disk (or
 * PostgreSQL with --database-url), the app listens on 127.0.0.1 and every call goes over HTTP
 * (routing, auth, SQL, JSON, the socket), as the console and a phone make them:
 *
 *   - publish: POST /api/campaigns/:id/publish of a draft reaching all households (selects the
 *     targets in walking order and stores them), `--runs` times, each on a new draft (the previous
 *     one is closed, so one campaign runs at the end);
 *   - phone download: one worker's GET /api/campaigns/mine (their running campaigns with the
 *     targets of their grids), 10 times after a warm-up, with its size;
 *   - progress: GET /api/campaigns/:id/progress with 35 % of the targets answered (30 % met, 4 %
 *     not home, 1 % refused — put straight into the database, as the server's test fixtures do),
 *     30 times after two warm-ups: p50 / p95 against the budget of 500 ms (DESIGN §6);
 *   - beside it, the console's list, one page of targets and the export, for the record.
 *
 *   npm run -s bench -- --only campaigns [--households 20000] [--runs 3]
 *   npx tsx bench/campaigns.ts [--households 20000] [--runs 3] [--database-url postgres://…]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AddressInfo } from 'node:net'
import { openDatabase } from '../server/db/adapter'
import { migrate } from '../server/db/migrate'
import { buildApp } from '../server/app'
import { seedDemo } from '../server/seed'
import { putWholeRecords } from '../server/records'
import { generateCommunity } from '../demo/generate'
import type { Visit } from '../src/domain/entities'
import { formatHlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import { arg, round } from './stats'

const BUDGET_MS = 500
const DAY = 86_400_000
const PASSWORD = 'bench-pass-1'

export interface CampaignBenchResult {
  name: 'campaigns'
  database: string
  households: number
  seedMs: number
  targets: number
  publish: { runs: number[]; median: number; max: number }
  phoneDownload: { worker: string; targets: number; bytes: number; p50: number; max: number; runs: number }
  progress: { answered: number; p50: number; p95: number; max: number; bytes: number; runs: number; budgetMs: number; pass: boolean }
  others: { name: string; p50: number; max: number; bytes: number; runs: number }[]
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export async function benchCampaigns(opts: { households?: number; runs?: number; databaseUrl?: string } = {}): Promise<CampaignBenchResult> {
  const households = opts.households ?? 20_000
  const runs = opts.runs ?? 3
  const log = (...a: unknown[]) => console.error('[bench campaigns]', ...a)
  const dir = opts.databaseUrl ? null : await mkdtemp(join(tmpdir(), 'fullgrid-campaigns-'))
  const db = await openDatabase(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: dir! })
  try {
    await migrate(db)
    log(`generating and seeding ${households} households`)
    const demo = generateCommunity({ households, patrolDays: 0 })
    const t0 = performance.now()
    await seedDemo(db, demo, PASSWORD)
    await db.exec('ANALYZE')
    const seedMs = performance.now() - t0
    log(`seeded in ${Math.round(seedMs)} ms`)

    const app = await buildApp({ db, staticDir: null, logger: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    try {
      const call = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => {
        const t = performance.now()
        const res = await fetch(base + path, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        })
        const bytes = (await res.arrayBuffer()).byteLength
        const ms = performance.now() - t
        if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`)
        return { ms, bytes, res }
      }
      const json = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => {
        const res = await fetch(base + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
        })
        if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`)
        return res.json()
      }
      const login = async (username: string) => {
        const res = await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: PASSWORD, deviceId: `bench-campaigns-${username}` }),
        })
        if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`)
        return (await res.json()) as { token: string; user: { id: string; gridIds: string[] } }
      }
      const sup = await login('supervisor')
      // The supervisor's own community (the demo's first, 香港路社区).
      const communityId = demo.communityId

      // Publish: each run a new draft over every household of the community.
      const publishMs: number[] = []
      let campaignId = ''
      let targets = 0
      for (let i = 0; i < runs; i++) {
        const now = Date.now()
        const { campaign } = (await json('POST', '/api/campaigns', sup.token, {
          communityId, title: `人口信息核查 ${i + 1}`,
          items: [{ id: 'people', label: '人口信息一致', category: '核查', required: true, kind: 'yesno' }, { id: 'note', label: '变化情况', category: '核查', required: false, kind: 'text' }],
          selection: { kind: 'household', gridIds: [], tags: [], compounds: [], buildingIds: [] },
          startAt: now - DAY, deadlineAt: now + 14 * DAY,
        })) as { campaign: { id: string } }
        if (campaignId) await json('POST', `/api/campaigns/${campaignId}/close`, sup.token)
        const t = performance.now()
        const published = (await json('POST', `/api/campaigns/${campaign.id}/publish`, sup.token)) as { targetCount: number }
        publishMs.push(performance.now() - t)
        campaignId = campaign.id
        targets = published.targetCount
        log(`publish ${i + 1}: ${targets} targets in ${Math.round(publishMs.at(-1)!)} ms`)
      }

      // Answers for 35 % of the targets (visits naming the campaign and the target).
      const { rows } = await db.query<{ data: { id: string; gridId: string; householdId: string } }>(
        `SELECT data FROM records WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 ORDER BY (data->>'seq')::int`,
        [campaignId.toLowerCase()],
      )
      const firstWorker = demo.accounts.find((a) => a.role === 'worker')!
      const workerId = firstWorker.userId
      const at = Date.now() - 3_600_000
      const answered = rows.filter((_, i) => i % 20 < 7)
      const visits = answered.map(({ data: target }, i): Visit => {
        const hlc = formatHlc({ wall: at + i, counter: 0, node: 'bench' })
        const outcome = i % 7 < 6 ? 'met' : i % 35 === 6 ? 'refused' : 'absent'
        return {
          id: uuidv7(at + i), hlc, deleted: false, householdId: target.householdId, gridId: target.gridId, workerId, startedAt: at + i, endedAt: at + i + 300_000,
          outcome, answers: { people: true }, notes: '', needs: '', photoIds: [], followUp: false, campaignId, campaignTargetId: target.id, checklistId: null,
        }
      })
      await putWholeRecords(db, 'visits', visits)
      await db.exec('ANALYZE')
      log(`${visits.length} answers put`)

      // One worker's phone download of its campaign targets.
      const workerName = firstWorker.username
      const worker = await login(workerName)
      const downloads: number[] = []
      let downloadBytes = 0
      let workerTargets = 0
      for (let i = -1; i < 10; i++) {
        const r = await call('GET', '/api/campaigns/mine', worker.token)
        if (i >= 0) downloads.push(r.ms)
        downloadBytes = r.bytes
      }
      const mine = (await json('GET', '/api/campaigns/mine', worker.token)) as { campaigns: { targets: unknown[] }[] }
      workerTargets = mine.campaigns.reduce((n, c) => n + c.targets.length, 0)
      downloads.sort((a, b) => a - b)
      log(`${workerName}'s download: ${workerTargets} targets, ${downloadBytes} bytes, p50 ${round(percentile(downloads, 50), 1)} ms`)

      const series = async (path: string, n: number, warm: number) => {
        const times: number[] = []
        let bytes = 0
        for (let i = -warm; i < n; i++) {
          const r = await call('GET', path, sup.token)
          if (i >= 0) times.push(r.ms)
          bytes = r.bytes
        }
        return { sorted: times.sort((a, b) => a - b), bytes }
      }
      const progress = await series(`/api/campaigns/${campaignId}/progress`, 30, 2)
      const p95 = percentile(progress.sorted, 95)
      log(`progress: p50 ${round(percentile(progress.sorted, 50), 1)} ms, p95 ${round(p95, 1)} ms`)
      const others = []
      for (const [name, path, n] of [
        ['list GET /api/campaigns', '/api/campaigns', 10],
        ['targets page (50, state done)', `/api/campaigns/${campaignId}/targets?state=done&limit=50`, 10],
        ['export.xlsx', `/api/campaigns/${campaignId}/export.xlsx`, 2],
      ] as const) {
        const s = await series(path, n, 1)
        others.push({ name, p50: round(percentile(s.sorted, 50), 1), max: round(s.sorted.at(-1)!, 1), bytes: s.bytes, runs: n })
        log(`${name}: p50 ${others.at(-1)!.p50} ms`)
      }
      const sortedPublish = [...publishMs].sort((a, b) => a - b)
      return {
        name: 'campaigns',
        database: db.kind,
        households,
        seedMs: Math.round(seedMs),
        targets,
        publish: { runs: publishMs.map((m) => Math.round(m)), median: Math.round(percentile(sortedPublish, 50)), max: Math.round(sortedPublish.at(-1)!) },
        phoneDownload: { worker: workerName, targets: workerTargets, bytes: downloadBytes, p50: round(percentile(downloads, 50), 1), max: round(downloads.at(-1)!, 1), runs: downloads.length },
        progress: {
          answered: visits.length, p50: round(percentile(progress.sorted, 50), 1), p95: round(p95, 1), max: round(progress.sorted.at(-1)!, 1), bytes: progress.bytes, runs: progress.sorted.length,
          budgetMs: BUDGET_MS, pass: p95 <= BUDGET_MS,
        },
        others,
      }
    } finally {
      await app.close()
    }
  } finally {
    await db.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchCampaigns({ households: Number(arg('households', '20000')), runs: Number(arg('runs', '3')), databaseUrl: arg('database-url') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
