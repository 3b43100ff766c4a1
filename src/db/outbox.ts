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
 * The record a waiting entry is shown under in 待同步 N 条: itself, except an issue event, which
 * belongs to its issue (an issue and its 上报 event are one thing to the worker).
 */
export function pendingRecordKey(e: Pick<OutboxEntry, 'entity' | 'recordId' | 'fields'>): string {
  if (e.entity === 'issueEvents' && typeof e.fields.issueId === 'string') return `issues:${e.fields.issueId}`
  return `${e.entity}:${e.recordId}`
}

/** How many records (not mutations) wait for the server: 待同步 N 条. */
export async function pendingRecordCount(db: FullGridDb): Promise<number> {
  const entries = await db.outbox.toArray()
  return new Set(entries.map(pendingRecordKey)).size
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
  const { id, entity, recordId, op, fields, hlc, queuedAt, attempts } = e
  return { id, entity, recordId, op, fields, hlc, queuedAt, attempts }
}
