/**
 * Bundled by bench/encryption.ts (never shipped) and injected into the app's page: the PIN set and
 * unlock through the crypto module's public API (KeyVault, the phone's Argon2id), a check that the
 * store really is sealed, and the ledger bench's search / visit-save timings and the write-path
 * seeding, all on the app's IndexedDB.
 */
import './zod-jitless'
import Dexie from 'dexie'
import { KeyVault, isUnlocked } from '../src/db/crypto'
import { isSealed } from '../src/db/crypto/middleware'

export { searchTimings, visitSaveTimings } from './ledger-page'
export { seedVisits } from './app-write-path'

/** setPin (wraps the given data key under the PIN) and one unlock: the KDF's cost, paid once per unlock. */
export async function pinTimings(pin: string, key: number[]): Promise<{ setPinMs: number; unlockMs: number; unlocked: boolean }> {
  const vault = new KeyVault()
  try {
    const t0 = performance.now()
    await vault.setPin(pin, new Uint8Array(key))
    const t1 = performance.now()
    const r = await vault.unlock(pin)
    const t2 = performance.now()
    if (!r.ok) throw new Error('unlock with the PIN just set failed')
    return { setPinMs: t1 - t0, unlockMs: t2 - t1, unlocked: isUnlocked() }
  } finally {
    vault.close()
  }
}

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
