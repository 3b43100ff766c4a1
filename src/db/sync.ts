/**
 * The Dexie side of sync: what the engine (src/sync, DOM-free, Dexie-free) asks of the local
 * database. Every function that changes more than one row does it in one transaction, so a
 * crash or a closed tab between two steps never leaves half a page or half an acknowledgement.
 *
 * Pending overlay and the server base
 * -----------------------------------
 * A pulled record that still has pending outbox entries is stored as "server value + pending
 * fields replayed on top", so the worker's unacknowledged edit stays visible (DESIGN §4). The
 * server value itself is kept beside it as the record's *base* (a meta row `syncBase:<entity>:<id>`)
 * until the last pending entry of that record is answered. Then:
 * - an acknowledged entry stamped after the base certainly won every field it carries on the
 *   server (the base's record stamp bounds every field stamp the server had), so it is folded into
 *   the base;
 * - an acknowledged entry stamped at or before the base may have lost; if it won a field the
 *   server changed the record and the next pull brings it, if it lost nothing comes back — so the
 *   base value is the right one to show;
 * - a rejected entry is dropped from the overlay.
 * Without this, a losing or duplicate write replayed over a pulled record would stay on the
 * phone forever, because the server has no newer change to send for it.
 */
import { liveQuery, type Table } from 'dexie'
import type { EntityName } from '../domain/entities'
import { Hlc, maxHlc } from '../domain/hlc'
import { uuidv7 } from '../domain/ids'
import type { Change, OutboxEntry, PushResult } from '../domain/sync'
import { deleteMeta, getMeta, setMeta } from './meta'
import type { BlobEntry, FullGridDb, RejectedEntry } from './schema'

type Rec = Record<string, unknown> & { id: string; hlc: string; deleted: boolean }

const BASE_PREFIX = 'syncBase:'
const baseKey = (entity: string, id: string) => `${BASE_PREFIX}${entity}:${id}`
const recordKey = (entity: string, id: string) => `${entity}:${id}`

function table(db: FullGridDb, entity: EntityName): Table<Rec, string> {
  return db.table(entity) as Table<Rec, string>
}

function byHlc(a: OutboxEntry, b: OutboxEntry): number {
  return a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** A create carries the whole record, with its id. */
export function isCreate(entry: Pick<OutboxEntry, 'op' | 'recordId' | 'fields'>): boolean {
  return entry.op === 'put' && entry.fields.id === entry.recordId
}

/** Replays outbox entries (in HLC order) over a record; the result's stamp is the highest seen. */
export function replay(base: Rec | undefined, entries: readonly OutboxEntry[]): Rec | undefined {
  let rec = base ? { ...base } : undefined
  for (const e of entries) {
    if (!rec) {
      // Nothing to edit yet: only a create can start the record.
      if (isCreate(e)) rec = { ...(e.fields as Rec), id: e.recordId, hlc: e.hlc, deleted: false }
      continue
    }
    const stamp = maxHlc(rec.hlc, e.hlc)
    Object.assign(rec, e.fields)
    rec.id = e.recordId
    rec.hlc = stamp
    if (e.op === 'delete') rec.deleted = true
  }
  return rec
}

// ---------------------------------------------------------------------------------------------
// Outbox
// ---------------------------------------------------------------------------------------------

/**
 * The whole outbox in the order the writes happened. HLC order, not id order: ids are made from
 * the wall clock, which two tabs (or a clock set back) can disagree on; the device's HLC never
 * goes backwards, and a record's create always sorts before its updates and its events.
 */
export async function listOutbox(db: FullGridDb): Promise<OutboxEntry[]> {
  const all = await db.outbox.toArray()
  return all.sort(byHlc)
}

export function countOutbox(db: FullGridDb): Promise<number> {
  return db.outbox.count()
}

/** Counts a failed transport attempt on entries still waiting (for the UI; they stay queued). */
export async function noteAttempt(db: FullGridDb, ids: readonly string[]): Promise<void> {
  await db.outbox
    .where(':id')
    .anyOf(ids as string[])
    .modify((e) => {
      e.attempts = (e.attempts ?? 0) + 1
    })
}

export interface SettleOutcome {
  acknowledged: number
  rejected: number
  /** A rejected edit left a value on the phone the server does not have and no base to undo it. */
  cursorReset: boolean
  /** Entries still in the outbox once this answer is stored. */
  pending: number
}

/**
 * Applies a push answer in one transaction: acknowledged entries leave the outbox, rejected ones
 * move to `rejected` with their reason (需处理, never dropped), and records with a server base
 * are rebuilt from it (see the top of this file). Entries without a result stay queued.
 */
export async function settlePush(
  db: FullGridDb,
  entries: readonly OutboxEntry[],
  results: readonly PushResult[],
  now: number,
): Promise<SettleOutcome> {
  const byId = new Map(entries.map((e) => [e.id, e]))
  const entities = [...new Set(entries.map((e) => e.entity))]
  return db.transaction('rw', [db.outbox, db.rejected, db.meta, ...entities.map((e) => db.table(e))], async () => {
    const acked: OutboxEntry[] = []
    const rejected: RejectedEntry[] = []
    for (const r of results) {
      const e = byId.get(r.mutationId)
      if (!e) continue
      if (r.status === 'rejected') rejected.push({ ...plainEntry(e), reason: r.reason || 'rejected', rejectedAt: now })
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
      const remaining = (stillQueued.get(recordKey(t.entity, t.id)) ?? []).sort(byHlc)
      if (baseRow) {
        let base = baseRow.value as Rec
        for (const e of t.acked.sort(byHlc)) if (e.hlc > base.hlc) base = replay(base, [e]) ?? base
        const local = replay(base, remaining)
        if (local) await table(db, t.entity).put(local)
        if (remaining.length) await db.meta.put({ key: baseRow.key, value: base })
        else await db.meta.delete(baseRow.key)
      } else if (t.rejected.length) {
        // The server never sent this record while it was pending, so the phone holds no server
        // value to go back to. A refused create: the server has no such record; drop it here
        // (its data waits in 需处理 for a retry). A refused edit: download everything again so
        // the server's value replaces the refused one.
        if (t.rejected.some(isCreate)) await table(db, t.entity).delete(t.id)
        else cursorReset = true
      }
    }
    if (cursorReset) await deleteMeta(db, 'syncCursor')
    return { acknowledged: acked.length, rejected: rejected.length, cursorReset, pending: await db.outbox.count() }
  })
}

/** The entry as the outbox defines it (drops anything else a caller may have attached). */
function plainEntry(e: OutboxEntry): OutboxEntry {
  const { id, entity, recordId, op, fields, hlc, queuedAt, attempts } = e
  return { id, entity, recordId, op, fields, hlc, queuedAt, attempts }
}

// ---------------------------------------------------------------------------------------------
// Blobs
// ---------------------------------------------------------------------------------------------

const SHA256_RE = /^[0-9a-f]{64}$/

/** Every blob key a mutation names: photoIds at any depth (visits, issues, patrol answers, event data). */
export function photoIdsOf(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 6 || value === null || typeof value !== 'object') return out
  if (Array.isArray(value)) {
    for (const v of value) photoIdsOf(v, out, depth + 1)
    return out
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'photoIds' && Array.isArray(v)) {
      for (const s of v) if (typeof s === 'string' && SHA256_RE.test(s)) out.add(s)
    } else photoIdsOf(v, out, depth + 1)
  }
  return out
}

/** The local blobs the server does not have yet that these mutations name. */
export async function blobsToUpload(db: FullGridDb, entries: readonly OutboxEntry[]): Promise<BlobEntry[]> {
  const keys = new Set<string>()
  for (const e of entries) photoIdsOf(e.fields, keys)
  if (!keys.size) return []
  const found = await db.blobs.bulkGet([...keys])
  return found.filter((b): b is BlobEntry => !!b && b.uploaded === 0 && b.data !== null)
}

export async function markBlobUploaded(db: FullGridDb, sha256: string): Promise<void> {
  await db.blobs.update(sha256, { uploaded: 1 })
}

// ---------------------------------------------------------------------------------------------
// Pull
// ---------------------------------------------------------------------------------------------

export function getCursor(db: FullGridDb): Promise<string | undefined> {
  return getMeta(db, 'syncCursor')
}

/**
 * Applies one pulled page in one transaction: advances the device clock past every stamp
 * received, stores each record (with pending outbox fields replayed on top and the server value
 * kept as its base), and saves the cursor — all or nothing, so a crash resumes at this page.
 */
export async function applyPullPage(db: FullGridDb, changes: readonly Change[], cursor: string, now: () => number): Promise<void> {
  const entities = [...new Set(changes.map((c) => c.entity))]
  await db.transaction('rw', [db.outbox, db.meta, ...entities.map((e) => db.table(e))], async () => {
    let maxStamp = ''
    for (const c of changes) if (c.hlc > maxStamp) maxStamp = c.hlc
    if (maxStamp) {
      const deviceId = await getMeta(db, 'deviceId')
      if (deviceId) {
        const clock = new Hlc(deviceId, now, await getMeta(db, 'hlc'))
        clock.receive(maxStamp)
        await setMeta(db, 'hlc', clock.current())
      }
    }

    const ids = [...new Set(changes.map((c) => c.id))]
    const pending = new Map<string, OutboxEntry[]>()
    if (ids.length) {
      for (const e of await db.outbox.where('recordId').anyOf(ids).toArray()) {
        const k = recordKey(e.entity, e.recordId)
        const list = pending.get(k) ?? []
        list.push(e)
        pending.set(k, list)
      }
    }
    const existingBases = new Set((await db.meta.where('key').startsWith(BASE_PREFIX).primaryKeys()) as string[])

    // Later changes of the same record in a page win: keep one value per key.
    const puts = new Map<EntityName, Map<string, Rec>>()
    const baseWrites = new Map<string, Rec>()
    const baseDeletes = new Set<string>()
    for (const c of changes) {
      const server: Rec = { ...c.data, id: c.id, hlc: c.hlc, deleted: c.deleted }
      const mine = pending.get(recordKey(c.entity, c.id))
      const bk = baseKey(c.entity, c.id)
      let local: Rec = server
      if (mine?.length) {
        local = replay(server, mine.sort(byHlc)) ?? server
        baseWrites.set(bk, server)
        baseDeletes.delete(bk)
      } else if (existingBases.has(bk) || baseWrites.has(bk)) {
        baseWrites.delete(bk)
        baseDeletes.add(bk)
      }
      let m = puts.get(c.entity)
      if (!m) puts.set(c.entity, (m = new Map()))
      m.set(c.id, local)
    }
    for (const [entity, m] of puts) await table(db, entity).bulkPut([...m.values()])
    if (baseWrites.size) await db.meta.bulkPut([...baseWrites].map(([key, value]) => ({ key, value })))
    if (baseDeletes.size) await db.meta.bulkDelete([...baseDeletes])
    await setMeta(db, 'syncCursor', cursor)
  })
}

export async function setLastSyncAt(db: FullGridDb, at: number): Promise<void> {
  await setMeta(db, 'lastSyncAt', at)
}

export function getLastSyncAt(db: FullGridDb): Promise<number | undefined> {
  return getMeta(db, 'lastSyncAt')
}

// ---------------------------------------------------------------------------------------------
// Needs attention (需处理)
// ---------------------------------------------------------------------------------------------

export async function listRejected(db: FullGridDb): Promise<RejectedEntry[]> {
  return db.rejected.orderBy('rejectedAt').reverse().toArray()
}

/** The worker gives up on a rejected change; the record already shows the server's value. */
export async function discardRejected(db: FullGridDb, id: string): Promise<void> {
  await db.rejected.delete(id)
}

/**
 * Queues a rejected change again as a new mutation (new id, new stamp: it is a new decision of
 * the worker, made after whatever was fixed), and shows it on the record again.
 */
export async function retryRejected(db: FullGridDb, id: string, now: () => number): Promise<boolean> {
  const entry = await db.rejected.get(id)
  if (!entry) return false
  const t = table(db, entry.entity)
  return db.transaction('rw', [db.rejected, db.outbox, db.meta, t], async () => {
    const r = await db.rejected.get(id)
    if (!r) return false
    const deviceId = await getMeta(db, 'deviceId')
    if (!deviceId) throw new Error('device id missing')
    const clock = new Hlc(deviceId, now, await getMeta(db, 'hlc'))
    const stamp = clock.now()
    await setMeta(db, 'hlc', stamp)
    const fields = { ...r.fields }
    if ('hlc' in fields) fields.hlc = stamp
    const next: OutboxEntry = { ...plainEntry(r), id: uuidv7(now()), fields, hlc: stamp, queuedAt: now(), attempts: 0 }
    const local = await t.get(r.recordId)
    if (local || isCreate(r)) {
      const rec = { ...(local ?? {}), ...fields, id: r.recordId, hlc: stamp } as Rec
      if (r.op === 'delete') rec.deleted = true
      if (typeof rec.deleted !== 'boolean') rec.deleted = false
      await t.put(rec)
    }
    await db.outbox.add(next)
    await db.rejected.delete(id)
    return true
  })
}

// ---------------------------------------------------------------------------------------------
// Live views for the UI, and the wipe after a revocation
// ---------------------------------------------------------------------------------------------

/** Calls `cb` with the outbox size now and after every change; returns the unsubscribe. */
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
  db.close()
  await db.delete()
}
