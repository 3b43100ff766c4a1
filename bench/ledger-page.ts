/**
 * Bundled by bench/ledger.ts (never shipped) and injected into the app's own page: measures the
 * ledger's search and the visit save with the app's own code (src/domain, src/db) on the records
 * the first sync stored in the app's IndexedDB.
 */
import './zod-jitless'
import { FullGridDb, Repository, getMeta } from '../src/db'
import { loadLedgerData } from '../src/db/households'
import { saveVisit } from '../src/db/visits'
import { buildSearchIndex, searchHouseholds } from '../src/domain/householdSearch'

export interface SearchTimings {
  households: number
  indexBuildMs: number
  /** One entry per keystroke: the query typed so far and the ms the search took. */
  keystrokes: { q: string; ms: number; hits: number }[]
}

/** Times searchHouseholds for every prefix of every query (each prefix is one keystroke). */
export async function searchTimings(queries: string[], dbName = 'fullgrid'): Promise<SearchTimings> {
  const db = new FullGridDb(dbName)
  await db.open()
  try {
    const { households, buildings } = await loadLedgerData(db)
    const byId = new Map(buildings.map((b) => [b.id, b]))
    const t0 = performance.now()
    const index = buildSearchIndex(households.map((h) => ({ household: h, building: (h.buildingId && byId.get(h.buildingId)) || null })))
    const indexBuildMs = performance.now() - t0
    const keystrokes: SearchTimings['keystrokes'] = []
    for (const query of queries) {
      const chars = [...query]
      for (let i = 1; i <= chars.length; i++) {
        const q = chars.slice(0, i).join('')
        const s = performance.now()
        const hits = searchHouseholds(index, q)
        keystrokes.push({ q, ms: performance.now() - s, hits: hits.length })
      }
    }
    return { households: households.length, indexBuildMs, keystrokes }
  } finally {
    db.close()
  }
}

const GAP_MS = 150

/** Saves `count` visits through the app's visit write (record + outbox, one transaction), timing each. */
export async function visitSaveTimings(count: number, dbName = 'fullgrid'): Promise<number[]> {
  const db = new FullGridDb(dbName)
  await db.open()
  try {
    const session = await getMeta(db, 'session')
    if (!session) throw new Error('no session in the app database: log in first')
    const households = await db.households.filter(() => true, count)
    const repo = new Repository(db)
    const out: number[] = []
    for (let i = 0; i < count; i++) {
      const h = households[i % households.length]
      const now = Date.now()
      const s = performance.now()
      await saveVisit(db, repo, {
        householdId: h.id, gridId: h.gridId, workerId: session.user.id, channel: 'door', startedAt: now - 600_000, endedAt: now,
        location: { lat: 36.86, lng: 120.52, accuracy: 12 }, outcome: 'met', checklistId: null, checklistVersion: null,
        answers: { address: true, contact: true, health: '身体健康' }, notes: `基准测试走访保存 ${i + 1}`, needs: '', photoIds: [], followUp: false,
      })
      out.push(performance.now() - s)
      // One save at a time, as a worker makes them: the app's views update in between.
      await new Promise((r) => setTimeout(r, GAP_MS))
    }
    return out
  } finally {
    db.close()
  }
}
