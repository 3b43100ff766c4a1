/**
 * 专项排查 over a whole community (issue 21): a real server process (embedded database, demo
 * community of --households), a Node client over HTTP. Measures
 *   - publish: the supervisor publishes a campaign reaching every household of their community
 *     (the targets are selected and written as synced records, migration 044);
 *   - worker download: worker01's first pull (all records of their grids, the campaign's targets
 *     among them), and the supervisor's (every target of the community);
 *   - progress: GET /api/campaigns/:id/progress, --calls times, p50 / p95 (budget p95 ≤ 500 ms).
 * Prints JSON. No browser: the phone's own download time is bench/run.ts's firstSync.
 *
 *   npx tsx bench/campaign-node.ts [--households 20000] [--calls 20]
 */
import { apiLogin, startServer } from '../tests/e2e/harness'
import { arg, round, summarize } from './stats'

const HOUSEHOLDS = Number(arg('households', '20000'))
const CALLS = Number(arg('calls', '20'))
const DAY = 86_400_000

async function call<T>(url: string, token: string, method: 'GET' | 'POST', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** A whole download from the start: ms, changes, and how many of them are targets of `campaignId`. */
async function download(url: string, token: string, campaignId: string) {
  const started = performance.now()
  let cursor: string | undefined
  let changes = 0
  let targets = 0
  let bytes = 0
  for (;;) {
    const qs = new URLSearchParams({ limit: '5000', ...(cursor ? { cursor } : {}) })
    const res = await fetch(`${url}/api/sync/pull?${qs}`, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`pull: HTTP ${res.status}`)
    const text = await res.text()
    bytes += text.length
    const body = JSON.parse(text) as { changes: { entity: string; data?: { campaignId?: string } }[]; cursor: string; hasMore: boolean }
    changes += body.changes.length
    targets += body.changes.filter((c) => c.entity === 'campaignTargets' && c.data?.campaignId === campaignId).length
    cursor = body.cursor
    if (!body.hasMore) break
  }
  return { ms: round(performance.now() - started, 1), changes, targets, mb: round(bytes / 1024 / 1024, 2) }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!, 1)
}

const server = await startServer({ demo: true, households: HOUSEHOLDS, app: false, timeoutMs: 600_000 })
try {
  const supervisor = await apiLogin(server.url, 'supervisor')
  // The demo numbers its workers to the width of their count (worker01, or worker001 in a big community).
  const worker = await apiLogin(server.url, 'worker01').catch(() => apiLogin(server.url, 'worker001'))
  const communityId = supervisor.user.gridIds[0]!
  const { campaign } = await call<{ campaign: { id: string } }>(`${server.url}/api/campaigns`, supervisor.token, 'POST', {
    communityId,
    title: '人口信息核查（基准）',
    items: [{ id: 'people', label: '人口信息与台账一致', category: '核查', required: true, kind: 'yesno' }],
    selection: { kind: 'household', gridIds: [], tags: [], compounds: [], buildingIds: [] },
    startAt: Date.now() - DAY,
    deadlineAt: Date.now() + 7 * DAY,
  })
  const started = performance.now()
  const published = await call<{ targetCount: number }>(`${server.url}/api/campaigns/${campaign.id}/publish`, supervisor.token, 'POST')
  const publishMs = round(performance.now() - started, 1)

  const workerDownload = await download(server.url, worker.token, campaign.id)
  const supervisorDownload = await download(server.url, supervisor.token, campaign.id)

  const times: number[] = []
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now()
    await call(`${server.url}/api/campaigns/${campaign.id}/progress`, supervisor.token, 'GET')
    times.push(performance.now() - t0)
  }
  const p95 = percentile(times, 95)
  console.log(JSON.stringify({
    name: '专项排查 over a community, Node client over HTTP',
    households: HOUSEHOLDS,
    targets: published.targetCount,
    publishMs,
    workerDownload,
    supervisorDownload,
    progress: { calls: CALLS, p50: percentile(times, 50), p95, ms: summarize(times, 1), budgetP95Ms: 500, pass: p95 <= 500 },
  }, null, 2))
} finally {
  await server.stop()
}
