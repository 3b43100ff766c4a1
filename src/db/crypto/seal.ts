/**
 * Seals what the phone stored before the PIN was set (an upgrade from an unencrypted version):
 * every row of every table is read and written back, which the middleware seals. Rows keep their
 * keys, so the outbox keeps every entry and its order. Resumable: batches are separate
 * transactions, a plain row and a sealed one read alike, and the pass runs again after an
 * interrupted one (sealPending in the vault's caller).
 *
 * No Dexie schema version is added for this: the key exists only after the PIN is entered, which
 * a version upgrade (run when the database opens, before any PIN) cannot wait for.
 */
import type { Table } from 'dexie'
import type { FullGridDb } from '../schema'
import { currentKey } from './keyring'

const BATCH = 500

async function bytesOfBlobs(rows: Record<string, unknown>[]): Promise<void> {
  // Photo bytes are read outside the transaction: a Blob cannot be sealed inside it.
  for (const r of rows) if (r.data instanceof Blob) r.data = new Uint8Array(await r.data.arrayBuffer())
}

/** Rewrites every stored row sealed under the unlocked key. Returns how many rows it wrote. */
export async function sealStoredRows(db: FullGridDb): Promise<number> {
  if (!currentKey()) throw new Error('sealStoredRows needs the unlocked key')
  let written = 0
  for (const table of db.tables as Table<Record<string, unknown>, unknown>[]) {
    const keys = await table.toCollection().primaryKeys()
    for (let i = 0; i < keys.length; i += BATCH) {
      const rows = (await table.bulkGet(keys.slice(i, i + BATCH))).filter((r): r is Record<string, unknown> => !!r)
      if (table.name === 'blobs') await bytesOfBlobs(rows)
      await db.transaction('rw', table, () => table.bulkPut(rows))
      written += rows.length
    }
  }
  return written
}
