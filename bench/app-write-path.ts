/**
 * Bundled by the benchmark (never shipped with the app) and injected into the app's own origin:
 * it opens the app's IndexedDB database with the app's own Dexie schema and writes through the
 * app's one write path (`Repository.create`: record + outbox entry in one transaction), exactly as
 * the visit form does, only without typing 1,000 forms by hand.
 */
import './zod-jitless'
import { FullGridDb, Repository, getMeta } from '../src/db'

export interface SeedVisitsResult {
  created: number
  ms: number
  outbox: number
  workerId: string
}

export async function seedVisits(count: number, dbName = 'fullgrid'): Promise<SeedVisitsResult> {
  const db = new FullGridDb(dbName)
  await db.open()
  try {
    const session = await getMeta(db, 'session')
    if (!session) throw new Error('no session in the app database: log in first')
    const workerId = session.user.id
    const households = await db.households.filter(() => true, count)
    if (households.length === 0) throw new Error('no households in the app database: the first sync has not run')
    const repo = new Repository(db)
    const started = performance.now()
    for (let i = 0; i < count; i++) {
      const h = households[i % households.length]
      const at = Date.now() - (count - i) * 1000
      await repo.create('visits', {
        householdId: h.id,
        gridId: h.gridId,
        workerId,
        startedAt: at - 300_000,
        endedAt: at,
        location: null,
        outcome: i % 5 === 0 ? 'absent' : 'met',
        answers: {},
        notes: `基准测试走访 ${i + 1}`,
        needs: '',
        photoIds: [],
        followUp: false,
      })
    }
    const ms = performance.now() - started
    return { created: count, ms, outbox: await db.outbox.count(), workerId }
  } finally {
    db.close()
  }
}

export async function counts(dbName = 'fullgrid'): Promise<Record<string, number>> {
  const db = new FullGridDb(dbName)
  await db.open()
  try {
    return { households: await db.households.count(), visits: await db.visits.count(), outbox: await db.outbox.count() }
  } finally {
    db.close()
  }
}
