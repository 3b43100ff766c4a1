/**
 * Server-side lower bound for "push 1,000 pending visits" (DESIGN §6, budget ≤ 1 s): a Node
 * client pushes 1,000 new visits in batches of 500 over HTTP to a real server process (embedded
 * database, demo community), five times; prints JSON with the median. No browser involved.
 *
 *   npx tsx bench/push-node.ts [--runs 5] [--visits 1000] [--batch 500]
 */
import { pathToFileURL } from 'node:url'
import { Hlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import { apiLogin, apiPullAll, startServer, type RunningServer } from '../tests/e2e/harness'
import { arg, summarize } from './stats'

export interface PushNodeResult {
  name: string
  visits: number
  batch: number
  runs: number
  ms: ReturnType<typeof summarize>
  budgetMs: number
  pass: boolean
  statuses: Record<string, number>
  error?: string
}

export async function benchPushNode(opts: { server?: RunningServer; runs?: number; visits?: number; batch?: number } = {}): Promise<PushNodeResult> {
  const runs = opts.runs ?? 5
  const visits = opts.visits ?? 1000
  const batch = opts.batch ?? 500
  const server = opts.server ?? (await startServer({ demo: true }))
  const statuses: Record<string, number> = {}
  const times: number[] = []
  try {
    const deviceId = `bench-node-${process.pid}`
    const session = await apiLogin(server.url, 'worker01', undefined, deviceId)
    const changes = await apiPullAll(server.url, session.token)
    const households = changes.filter((c) => c.entity === 'households' && !c.deleted).map((c) => c.data as { id: string; gridId: string })
    if (households.length === 0) throw new Error('worker01 pulled no households: cannot make visits')
    const clock = new Hlc(deviceId)
    for (let run = 0; run < runs; run++) {
      const mutations = Array.from({ length: visits }, (_, i) => {
        const h = households[i % households.length]
        const id = uuidv7()
        const at = Date.now() - (visits - i) * 1000
        return {
          id: uuidv7(),
          entity: 'visits',
          recordId: id,
          op: 'put',
          hlc: clock.now(),
          fields: {
            id, hlc: '', deleted: false, householdId: h.id, gridId: h.gridId, workerId: session.user.id,
            startedAt: at - 300_000, endedAt: at, location: null, outcome: 'met', answers: {},
            notes: `基准测试走访 ${run}-${i}`, needs: '', photoIds: [], followUp: false,
          },
        }
      })
      for (const m of mutations) m.fields.hlc = m.hlc
      const started = performance.now()
      for (let i = 0; i < mutations.length; i += batch) {
        const res = await fetch(`${server.url}/api/sync/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ deviceId, mutations: mutations.slice(i, i + batch) }),
        })
        if (!res.ok) throw new Error(`push: HTTP ${res.status} ${await res.text()}`)
        const body = (await res.json()) as { results: { status: string; reason?: string }[] }
        for (const r of body.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1
      }
      times.push(performance.now() - started)
    }
    const ms = summarize(times, 1)
    const allApplied = (statuses.applied ?? 0) === runs * visits
    return { name: 'push 1,000 visits, Node client over HTTP (lower bound)', visits, batch, runs, ms, budgetMs: 1000, pass: allApplied && ms.median <= 1000, statuses }
  } catch (err) {
    return { name: 'push 1,000 visits, Node client over HTTP (lower bound)', visits, batch, runs, ms: summarize(times, 1), budgetMs: 1000, pass: false, statuses, error: String((err as Error).stack ?? err) }
  } finally {
    if (!opts.server) await server.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchPushNode({ runs: Number(arg('runs', '5')), visits: Number(arg('visits', '1000')), batch: Number(arg('batch', '500')) })
  console.log(JSON.stringify(result, null, 2))
  process.exitCode = result.pass ? 0 : 1
}
