/** The outbox: local writes waiting for the server's answer (written only by repository.ts). */
import type { OutboxEntry } from '../domain/sync'
import { byHlc } from './overlay'
import type { FullGridDb } from './schema'

/**
 * The whole outbox in the order the writes happened. HLC order, not id order: ids are made from
 * the wall clock, which two tabs (or a clock set back) can disagree on; the device's HLC never
 * goes backwards, and a record's create always sorts before its updates and its events.
 */
export async function listOutbox(db: FullGridDb): Promise<OutboxEntry[]> {
  const all = await db.outbox.toArray()
  return all.sort(byHlc)
}

/** Mutations waiting (for the push loop; the UI counts records, see pendingRecordCount). */
export function countOutbox(db: FullGridDb): Promise<number> {
  return db.outbox.count()
}

/**
 * How many records (not mutations) wait for the server: 待同步 N 条. Read from the recordId index
 * (no outbox values are loaded: the UI re-reads this after every local write); waiting issue
 * events are then found by id in the local events table and counted under their issue (an issue
 * and its 上报 event are one thing to the worker).
 */
export async function pendingRecordCount(db: FullGridDb): Promise<number> {
  return (await recordsOf(db, db.outbox)).size
}

/** The records with changes on this phone the server has not accepted: waiting or in 需处理. */
export async function unsyncedRecordCount(db: FullGridDb): Promise<number> {
  const [queued, refused] = await Promise.all([recordsOf(db, db.outbox), recordsOf(db, db.rejected)])
  return new Set([...queued, ...refused]).size
}

/**
 * unsyncedRecordCount without reading one value, for the lock screen (the store is sealed while
 * locked): record ids and issueEvents' issueId are indexes, which stay in the clear
 * (crypto/middleware.ts), so an issue and its waiting events still count once.
 */
export async function unsyncedRecordCountSealed(db: FullGridDb): Promise<number> {
  const [queued, refused] = await Promise.all([db.outbox.orderBy('recordId').uniqueKeys(), db.rejected.orderBy('recordId').uniqueKeys()])
  return countUnderIssues(db, new Set([...queued, ...refused].map(String)))
}

/** pendingRecordCount from indexes only (the kept 待同步 row's full recount, pendingCount.ts). */
export async function pendingRecordCountSealed(db: FullGridDb): Promise<number> {
  return countUnderIssues(db, new Set((await db.outbox.orderBy('recordId').uniqueKeys()).map(String)))
}

async function countUnderIssues(db: FullGridDb, ids: Set<string>): Promise<number> {
  if (!ids.size) return 0
  const issueOf = await issuesOfEvents(db, ids)
  return new Set([...ids].map((id) => issueOf.get(id) ?? id)).size
}

/** Of these record ids, the issue events' issue ids, from the clear index only (readable while locked). */
export async function issuesOfEvents(db: FullGridDb, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  const issueOf = new Map<string, string>()
  if (!ids.size) return issueOf
  await db.issueEvents.orderBy('issueId').eachKey((issueId, cursor) => {
    const id = String(cursor.primaryKey)
    if (ids.has(id)) issueOf.set(id, String(issueId))
  })
  return issueOf
}

async function recordsOf(db: FullGridDb, table: FullGridDb['outbox'] | FullGridDb['rejected']): Promise<Set<string>> {
  const ids = (await table.orderBy('recordId').uniqueKeys()).map(String)
  if (!ids.length) return new Set()
  const events = await db.issueEvents.bulkGet(ids)
  return new Set(ids.map((id, i) => (events[i] ? events[i]!.issueId : id)))
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

/** The entry as the outbox defines it (drops anything else a caller may have attached). */
export function plainEntry(e: OutboxEntry): OutboxEntry {
  // Not the escrow copy: a refused entry waits in 需处理 for the worker, never for a locked send.
  const { id, entity, recordId, op, fields, hlc, queuedAt, attempts } = e
  return { id, entity, recordId, op, fields, hlc, queuedAt, attempts }
}
