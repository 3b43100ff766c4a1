/**
 * Stores a push answer (DESIGN §4 "Push") in one transaction: acknowledged entries leave the
 * outbox, rejected ones move to `rejected` with their code and reason (需处理, never dropped),
 * and records with a server base are rebuilt from it (see overlay.ts). Entries without a result
 * stay queued.
 */
import type { OutboxEntry, PushResult } from '../domain/sync'
import { deleteMeta } from './meta'
import { plainEntry } from './outbox'
import { keepPendingCount, readPendingCount } from './pendingCount'
import { baseKey, byHlc, entityTable, isCreate, recordKey, replay, type Rec } from './overlay'
import type { EntityName } from '../domain/entities'
import type { FullGridDb, RejectedEntry } from './schema'

export interface SettleOutcome {
  acknowledged: number
  rejected: number
  /** A rejected edit left a value on the phone the server does not have and no base to undo it. */
  cursorReset: boolean
  /** Records (not mutations) still waiting once this answer is stored: 待同步 N 条. */
  pending: number
}

export async function settlePush(
  db: FullGridDb,
  entries: readonly OutboxEntry[],
  results: readonly PushResult[],
  now: number,
): Promise<SettleOutcome> {
  const byId = new Map(entries.map((e) => [e.id, e]))
  const entities = [...new Set(entries.map((e) => e.entity))]
  return db.transaction('rw', [db.outbox, db.rejected, db.meta, db.issueEvents, ...db.storesOf(entities)], async () => {
    const settled = results.flatMap((r) => byId.get(r.mutationId) ?? [])
    const touches = settled.map((e) => ({ entity: e.entity, recordId: e.recordId, issueId: e.fields.issueId }))
    // The kept 待同步 count moves with the entries leaving the outbox, in this transaction.
    const outcome = await keepPendingCount(db, touches, true, () => settle(db, byId, results, now))
    return { ...outcome, pending: (await readPendingCount(db)).n }
  })
}

async function settle(db: FullGridDb, byId: ReadonlyMap<string, OutboxEntry>, results: readonly PushResult[], now: number): Promise<Omit<SettleOutcome, 'pending'>> {
  const acked: OutboxEntry[] = []
  const rejected: RejectedEntry[] = []
  for (const r of results) {
    const e = byId.get(r.mutationId)
    if (!e) continue
    if (r.status === 'rejected') rejected.push(rejectedEntry(e, r, now))
    else acked.push(e)
  }
  await db.outbox.bulkDelete([...acked, ...rejected].map((e) => e.id))
  if (rejected.length) await db.rejected.bulkPut(rejected)

  const touched = new Map<string, { entity: EntityName; id: string; acked: OutboxEntry[]; rejected: OutboxEntry[] }>()
  const touch = (e: OutboxEntry) => {
    const k = recordKey(e.entity, e.recordId)
    let t = touched.get(k)
    if (!t) touched.set(k, (t = { entity: e.entity, id: e.recordId, acked: [], rejected: [] }))
    return t
  }
  for (const e of acked) touch(e).acked.push(e)
  for (const e of rejected) touch(e).rejected.push(e)

  // Read what every touched record needs in two batched requests, not two per record: a push
  // answer settles up to a whole batch (500) at once.
  const records = [...touched.values()]
  const baseRows = await db.meta.bulkGet(records.map((t) => baseKey(t.entity, t.id)))
  const stillQueued = new Map<string, OutboxEntry[]>()
  for (const e of await db.outbox.where('recordId').anyOf(records.map((t) => t.id)).toArray()) {
    const k = recordKey(e.entity, e.recordId)
    stillQueued.set(k, [...(stillQueued.get(k) ?? []), e])
  }
  let cursorReset = false
  for (const [i, t] of records.entries()) {
    const baseRow = baseRows[i]
    const remaining = stillQueued.get(recordKey(t.entity, t.id)) ?? []
    if (baseRow) {
      let base = baseRow.value as Rec
      for (const e of t.acked.sort(byHlc)) if (e.hlc > base.hlc) base = replay(base, [e]) ?? base
      const local = replay(base, remaining)
      if (local) await entityTable(db, t.entity).put(local)
      if (remaining.length) await db.meta.put({ key: baseRow.key, value: base })
      else await db.meta.delete(baseRow.key)
    } else if (t.rejected.length) {
      // The server never sent this record while it was pending, so the phone holds no server
      // value to go back to. A refused create: the server has no such record; drop it here
      // (its data waits in 需处理 for a retry). A refused edit: download everything again so
      // the server's value replaces the refused one.
      if (t.rejected.some(isCreate)) await entityTable(db, t.entity).delete(t.id)
      else cursorReset = true
    }
  }
  if (cursorReset) await deleteMeta(db, 'syncCursor')
  return { acknowledged: acked.length, rejected: rejected.length, cursorReset }
}

function rejectedEntry(e: OutboxEntry, r: PushResult, now: number): RejectedEntry {
  const out: RejectedEntry = { ...plainEntry(e), reason: r.reason || 'rejected', rejectedAt: now }
  if (r.code) out.code = r.code
  if (r.params) out.params = r.params
  return out
}
