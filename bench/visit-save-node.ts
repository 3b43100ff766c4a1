/**
 * Issue 20, visitSave in Node (fake-indexeddb), for when the browser series (bench/ledger.ts) cannot
 * run: 20,000 visits packed, 1,000 saves already waiting in the outbox, then saves through the
 * app's saveVisit, timed one by one. Each round also times the same save preceded by the read the
 * create used to make before its write (a get of the new id in the same transaction: the old
 * path's two directory reads), so both run interleaved under the same machine load.
 * No CPU throttling here (Node); a lower bound beside the browser figures, not a replacement.
 * A third series, `untilShown`, times a save until the 待同步 watcher the sync store subscribes
 * (watchPendingRecords) reports the new count: the cost issue 20 names beside the write itself.
 *
 *   npx tsx bench/visit-save-node.ts [--saves 300] [--visits 20000] [--waiting 1000]
 */
import 'fake-indexeddb/auto'
import { FullGridDb, Repository, ensureDeviceId } from '../src/db'
import { saveVisit } from '../src/db/visits'
import { pendingRecordCount } from '../src/db/outbox'
import { watchPendingRecords } from '../src/db/watchers'
import { uuidv7 } from '../src/domain/ids'
import type { Visit } from '../src/domain/entities'
import { arg, round } from './stats'

const SAVES = Number(arg('saves', '300'))
const VISITS = Number(arg('visits', '20000'))
const WAITING = Number(arg('waiting', '1000'))

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

async function main() {
  const db = new FullGridDb('visit-save-node')
  await ensureDeviceId(db, () => 'bench')
  const repo = new Repository(db)
  const householdId = uuidv7(Date.now())
  const gridId = uuidv7(Date.now())
  const workerId = uuidv7(Date.now())
  const visit = (i: number) => {
    const now = Date.now()
    return { householdId, gridId, workerId, channel: 'door' as const, startedAt: now - 600_000, endedAt: now, location: null, outcome: 'met' as const, answers: {}, notes: `基准 ${i}`, needs: '', photoIds: [], followUp: false }
  }
  // A first download's worth of synced visits, packed as the pull stores them.
  const t = Date.now()
  const seeded: Visit[] = []
  for (let i = 0; i < VISITS; i++) {
    seeded.push({ ...visit(i), id: uuidv7(t - VISITS + i), hlc: '001763880000000-00000-seed', deleted: false, checklistId: null, checklistVersion: null } as unknown as Visit)
  }
  await db.visits.bulkPut(seeded)
  for (let i = 0; i < WAITING; i++) await saveVisit(db, repo, visit(i))
  const now: number[] = []
  const before: number[] = []
  const shown: number[] = []
  // The UI's 待同步 watcher, subscribed as the sync store does; each timed save waits for its count.
  let latest = -1
  let want = Infinity
  let wake: (() => void) | null = null
  const stop = watchPendingRecords(db, (n) => {
    latest = n
    if (wake && n >= want) wake()
  })
  const until = (n: number) =>
    latest >= n
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          want = n
          wake = () => {
            wake = null
            want = Infinity
            resolve()
          }
        })
  for (let i = 0; i < SAVES; i++) {
    const waiting = await pendingRecordCount(db)
    await until(waiting)
    const w = performance.now()
    await saveVisit(db, repo, visit(i))
    await until(waiting + 1)
    shown.push(performance.now() - w)
    let s = performance.now()
    await saveVisit(db, repo, visit(i))
    now.push(performance.now() - s)
    s = performance.now()
    await db.transaction('rw', [db.storeOf('visits'), db.outbox, db.meta], async () => {
      await db.visits.get(uuidv7(Date.now()))
      await saveVisit(db, repo, visit(i))
    })
    before.push(performance.now() - s)
  }
  stop()
  const sum = (xs: number[]) => ({ p50: round(pct(xs, 50)), p95: round(pct(xs, 95)) })
  console.log(JSON.stringify({ name: `visitSave in Node (fake-indexeddb), ${VISITS} visits packed, ${WAITING}+ waiting, ${SAVES} saves each`, withExtraRead: sum(before), oneRead: sum(now), untilShown: sum(shown), outbox: await db.outbox.count() }, null, 2))
  db.close()
}

await main()
