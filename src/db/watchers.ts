/** Live views of sync state for the UI (liveQuery), and the wipe after a revocation. */
import { liveQuery } from 'dexie'
import { readPendingCount, repairPendingCount } from './pendingCount'
import { listRejected } from './rejected'
import type { FullGridDb, RejectedEntry } from './schema'

/**
 * Calls `cb` with the number of records waiting (待同步 N 条) now and after every change. Watches
 * the row the write path keeps (pendingCount.ts), not every waiting id; a missing or stale row is
 * counted in full once and written back.
 */
export function watchPendingRecords(db: FullGridDb, cb: (n: number) => void): () => void {
  let repairing = false
  let stopped = false
  const sub = liveQuery(() => readPendingCount(db)).subscribe({
    next: ({ n, kept }) => {
      cb(n)
      // Never after unsubscribing or on a closed database: a write would open (re-create) it.
      if (kept || repairing || stopped || !db.isOpen()) return
      repairing = true
      repairPendingCount(db)
        .catch(() => {})
        .finally(() => (repairing = false))
    },
    error: () => {},
  })
  return () => {
    stopped = true
    sub.unsubscribe()
  }
}

/** Calls `cb` with the number of queued mutations: it grows on every local write (sync soon). */
export function watchOutboxCount(db: FullGridDb, cb: (n: number) => void): () => void {
  const sub = liveQuery(() => db.outbox.count()).subscribe({ next: cb, error: () => {} })
  return () => sub.unsubscribe()
}

export function watchRejected(db: FullGridDb, cb: (list: RejectedEntry[]) => void): () => void {
  const sub = liveQuery(() => listRejected(db)).subscribe({ next: cb, error: () => {} })
  return () => sub.unsubscribe()
}

/** Deletes the whole local database (after a revoked device has shown why). */
export async function wipeLocalDatabase(db: FullGridDb): Promise<void> {
  // Left able to open again: after a logout or a wipe the next login starts on an empty store.
  db.close({ disableAutoOpen: false })
  await db.delete({ disableAutoOpen: false })
}
