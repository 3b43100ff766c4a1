/**
 * 待同步 N 条 kept by the write path (issue 20): the number of distinct records waiting in the
 * outbox, stored as one small meta row and adjusted in the same transaction as every outbox add
 * or remove, so the UI watches one row instead of re-reading every waiting id after each save.
 *
 * The kept number must equal pendingRecordCount (outbox.ts), whose rule is: a waiting id that is
 * an issue event counts under its issue. A write adjusts by how many of the records it touched
 * ("groups": an id, or the issue an event belongs to) were waiting before and after it, read from
 * indexes only. Whenever that cannot be known (row missing, written by another schema version,
 * a group appeared that was not looked at before), the row is recounted in full or dropped; a
 * missing row is recounted by its reader (readPendingCount) and written back by repairPendingCount.
 */
import type { FullGridDb } from './schema'
import { pendingRecordCountSealed } from './outbox'

export const PENDING_COUNT_KEY = 'pendingRecords'

export interface PendingCountRow {
  n: number
  /** The schema version that wrote it: after an upgrade the row is recounted, never trusted. */
  v: number
}

/** A record the change adds or removes outbox entries of; issueId for an issue event when known. */
export interface Touch {
  entity: string
  recordId: string
  issueId?: unknown
}

/** Entities whose ids take part in the issue/event rule; any other id is its own group. */
const ISSUEISH = new Set(['issues', 'issueEvents'])

function validRow(db: FullGridDb, value: unknown): PendingCountRow | undefined {
  const row = value as PendingCountRow | undefined
  return row && typeof row.n === 'number' && row.v === db.verno ? row : undefined
}

/** The kept row, or undefined when it must be recounted. */
export async function keptPendingCount(db: FullGridDb): Promise<PendingCountRow | undefined> {
  return validRow(db, (await db.meta.get(PENDING_COUNT_KEY))?.value)
}

async function writeRow(db: FullGridDb, n: number): Promise<void> {
  await db.meta.put({ key: PENDING_COUNT_KEY, value: { n, v: db.verno } satisfies PendingCountRow })
}

/** Drops the row (a change this module does not follow); the next reader recounts it. */
export async function forgetPendingCount(db: FullGridDb): Promise<void> {
  await db.meta.delete(PENDING_COUNT_KEY)
}

/** Group of each touched record: the record itself, and the issue of an event (given or stored). */
async function groupsOf(db: FullGridDb, touches: readonly Touch[], withEvents: boolean): Promise<Map<string, boolean>> {
  const groups = new Map<string, boolean>()
  const events: string[] = []
  for (const t of touches) {
    groups.set(t.recordId, (groups.get(t.recordId) ?? false) || ISSUEISH.has(t.entity))
    if (t.entity === 'issueEvents') events.push(t.recordId)
    if (typeof t.issueId === 'string') groups.set(t.issueId, true)
  }
  if (withEvents && events.length) {
    // Reads the event rows: writes run unlocked (the readers below use indexes only).
    await db.issueEvents.where(':id').anyOf(events).each((e) => void groups.set(String(e.issueId), true))
  }
  return groups
}

/** Which of `groups` have at least one waiting entry, by pendingRecordCount's rule. */
async function waitingGroups(db: FullGridDb, groups: ReadonlyMap<string, boolean>): Promise<Set<string>> {
  const memberOf = new Map<string, string>()
  const issueish: string[] = []
  for (const [g, ish] of groups) {
    if (ish) issueish.push(g)
    else memberOf.set(g, g)
  }
  if (issueish.length) {
    // An id that is an event counts under its issue, not itself; an issue's events count under it.
    const events = new Set((await db.issueEvents.where(':id').anyOf(issueish).primaryKeys()).map(String))
    for (const g of issueish) if (!events.has(g)) memberOf.set(g, g)
    await db.issueEvents.where('issueId').anyOf(issueish).eachKey((issueId, cursor) => void memberOf.set(String(cursor.primaryKey), String(issueId)))
  }
  if (!memberOf.size) return new Set()
  const queued = await db.outbox.where('recordId').anyOf([...memberOf.keys()]).keys()
  return new Set(queued.map((id) => memberOf.get(String(id))!))
}

/**
 * Runs `change` (which adds or removes the outbox entries of `touches`) and adjusts the kept row
 * by the difference, all inside the caller's transaction (its scope must hold outbox and meta, and
 * issueEvents when an issue or event is touched). `recount`: the scope allows a full recount
 * (issueEvents in it); otherwise an unknown row is left missing for the reader to repair.
 * Nested calls are fine: the outer one writes its start value plus its own whole difference.
 */
export async function keepPendingCount<T>(db: FullGridDb, touches: readonly Touch[], recount: boolean, change: () => Promise<T>): Promise<T> {
  const kept = await keptPendingCount(db)
  const withEvents = touches.some((t) => ISSUEISH.has(t.entity) || typeof t.issueId === 'string')
  if (!kept) {
    const out = await change()
    if (recount) await writeRow(db, await pendingRecordCountSealed(db))
    return out
  }
  const groups = await groupsOf(db, touches, withEvents)
  const before = await waitingGroups(db, groups)
  const out = await change()
  const later = await groupsOf(db, touches, withEvents)
  if ([...later.keys()].some((g) => !groups.has(g))) {
    if (recount) await writeRow(db, await pendingRecordCountSealed(db))
    else await forgetPendingCount(db)
    return out
  }
  const after = await waitingGroups(db, groups)
  // Written even when unchanged: a nested call may have written its own value in between.
  await writeRow(db, kept.n + after.size - before.size)
  return out
}

/** 待同步 N 条 for a reader: the kept row, or (missing, stale) the full count from indexes. */
export async function readPendingCount(db: FullGridDb): Promise<{ n: number; kept: boolean }> {
  const kept = await keptPendingCount(db)
  if (kept) return { n: kept.n, kept: true }
  // Closed meanwhile (a wipe): a second read would open, and so re-create, the deleted database.
  if (!db.isOpen()) return { n: 0, kept: true }
  return { n: await pendingRecordCountSealed(db), kept: false }
}

/** Writes the full count as the kept row (after it was found missing or stale). */
export async function repairPendingCount(db: FullGridDb): Promise<number> {
  return db.transaction('rw', [db.outbox, db.issueEvents, db.meta], async () => {
    const n = await pendingRecordCountSealed(db)
    await writeRow(db, n)
    return n
  })
}
