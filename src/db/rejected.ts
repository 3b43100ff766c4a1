/** 需处理: changes the server refused (or that left the user's scope), kept for the worker. */
import { keepPendingCount } from './pendingCount'
import { Repository } from './repository'
import type { FullGridDb, RejectedEntry } from './schema'

export function listRejected(db: FullGridDb): Promise<RejectedEntry[]> {
  return db.rejected.orderBy('rejectedAt').reverse().toArray()
}

/** The worker gives up on a rejected change; the record already shows the server's value. */
export async function discardRejected(db: FullGridDb, id: string): Promise<void> {
  await db.rejected.delete(id)
}

/**
 * Queues a rejected change again through the Repository (validated like any write, new mutation
 * id and stamp) and takes it off the list, in one transaction. Throws the Repository's
 * ValidationError / NotFoundError when the change cannot be made any more; the entry then stays.
 */
export async function retryRejected(db: FullGridDb, id: string, now: () => number): Promise<boolean> {
  const entry = await db.rejected.get(id)
  if (!entry) return false
  const repo = new Repository(db, { now })
  const scope = [...new Set([db.rejected, db.outbox, db.meta, db.issueEvents, db.storeOf(entry.entity)])]
  return db.transaction('rw', scope, async () => {
    const r = await db.rejected.get(id)
    if (!r) return false
    // Around the whole retry: a refused event create comes back with its row, under its issue again.
    await keepPendingCount(db, [{ entity: r.entity, recordId: r.recordId, issueId: r.fields.issueId }], true, () => repo.resubmit(r.entity, r.recordId, r.op, r.fields))
    await db.rejected.delete(id)
    return true
  })
}
