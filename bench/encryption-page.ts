/**
 * Bundled by bench/encryption.ts (never shipped) and injected into the app's page: a check that
 * the store really is sealed (or, in the unsealed comparison build, really is not), and the ledger
 * bench's search / visit-save timings and the write-path seeding, all on the app's IndexedDB. The
 * bundle is built with the same VITE_FULLGRID_NO_SEAL as the app it is injected into, so its copy
 * of src/db seals exactly as the app's does (the key is shared through the page's keyring).
 */
import './zod-jitless'
import Dexie from 'dexie'
import { isSealed } from '../src/db/crypto/middleware'

export { searchTimings, visitSaveTimings } from './ledger-page'
export { seedVisits } from './app-write-path'

/** Rows as IndexedDB holds them (no middleware): how many are sealed and how many are clear. */
export async function sealedCounts(dbName = 'fullgrid'): Promise<{ sealed: number; clear: number; clearTables: Record<string, number> }> {
  const raw = new Dexie(dbName)
  await raw.open()
  try {
    let sealed = 0
    let clear = 0
    const clearTables: Record<string, number> = {}
    for (const t of raw.tables) {
      await t.each((row: unknown) => {
        if (isSealed(row)) sealed++
        else {
          clear++
          clearTables[t.name] = (clearTables[t.name] ?? 0) + 1
        }
      })
    }
    return { sealed, clear, clearTables }
  } finally {
    raw.close()
  }
}
