/**
 * Applies one pulled page (DESIGN §4 "Pull") in one transaction, all or nothing, so a crash
 * resumes at this page:
 *
 *   1. the device clock moves past every stamp received;
 *   2. each change is stored as the server's record with this phone's pending outbox entries
 *      replayed on top, the server value kept as its base (overlay.ts); later changes of the same
 *      record in a page win;
 *   3. a removal `{entity, id, removed: true}` (the record left the user's scope) deletes the
 *      phone's copy and its base; a pending entry of it — or an event of a removed issue — cannot
 *      reach the server any more and moves to 需处理 with `removed_from_scope`;
 *   4. the cursor is saved.
 *
 * A page with `reset` (the server could not answer the old cursor: a restored backup, pruned
 * removals) is the first of a download from the start: before step 1 the phone drops every record
 * it synced and their bases, except the records its outbox names — unsynced work stays, and so
 * does what it edits; the rest comes again with the download, or no longer exists.
 */
import { ENTITY_NAMES, type EntityName } from '../domain/entities'
import { REJECTION_TEXTS } from '../domain/rejections'
import { isRemoval, type OutboxEntry, type PullChange } from '../domain/sync'
import { receiveStamp } from './clock'
import { setMeta } from './meta'
import { plainEntry } from './outbox'
import { forgetPendingCount } from './pendingCount'
import { BASE_PREFIX, baseKey, byHlc, entityTable, isCreate, recordKey, replay, type Rec } from './overlay'
import type { FullGridDb, RejectedEntry } from './schema'

export async function applyPullPage(
  db: FullGridDb,
  changes: readonly PullChange[],
  cursor: string,
  now: () => number,
  opts: { reset?: boolean } = {},
): Promise<void> {
  const entities = opts.reset ? ENTITY_NAMES : [...new Set(changes.map((c) => c.entity))]
  const removesSome = changes.some(isRemoval)
  const tables = [db.outbox, db.meta, ...(removesSome ? [db.rejected, db.issueEvents, db.trackSegments] : []), ...db.storesOf(entities)]
  await db.transaction('rw', tables, async () => {
    if (opts.reset) await dropSynced(db)
    // Removals move entries to 需处理 and delete events outside the write path: recount 待同步 (rare).
    if (removesSome) await forgetPendingCount(db)
    // 1. clock
    let maxStamp = ''
    for (const c of changes) if (!isRemoval(c) && c.hlc > maxStamp) maxStamp = c.hlc
    if (maxStamp) await receiveStamp(db, maxStamp, now)

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

    // 2. and 3. one outcome per record: the last change of it in the page
    const puts = new Map<EntityName, Map<string, Rec>>()
    const removals = new Map<string, { entity: EntityName; id: string }>()
    const baseWrites = new Map<string, Rec>()
    const baseDeletes = new Set<string>()
    for (const c of changes) {
      const k = recordKey(c.entity, c.id)
      const bk = baseKey(c.entity, c.id)
      if (isRemoval(c)) {
        puts.get(c.entity)?.delete(c.id)
        removals.set(k, { entity: c.entity, id: c.id })
        baseWrites.delete(bk)
        if (existingBases.has(bk)) baseDeletes.add(bk)
        continue
      }
      removals.delete(k)
      const server: Rec = { ...c.data, id: c.id, hlc: c.hlc, deleted: c.deleted }
      const mine = pending.get(k)
      let local: Rec = server
      if (mine?.length) {
        local = replay(server, mine) ?? server
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
    for (const [entity, m] of puts) await entityTable(db, entity).bulkPut([...m.values()])
    if (removals.size) await removeRecords(db, [...removals.values()], pending, now())
    if (baseWrites.size) await db.meta.bulkPut([...baseWrites].map(([key, value]) => ({ key, value })))
    if (baseDeletes.size) await db.meta.bulkDelete([...baseDeletes])

    // 4. cursor
    await setMeta(db, 'syncCursor', cursor)
  })
}

/** Before a reset page: every synced record and base goes, except those the outbox names. */
async function dropSynced(db: FullGridDb): Promise<void> {
  const outbox = await db.outbox.toArray()
  const kept = new Set(outbox.map((e) => recordKey(e.entity, e.recordId)))
  for (const entity of ENTITY_NAMES) {
    const table = entityTable(db, entity)
    const ids = (await table.toArray()).map((r) => String(r.id)).filter((id) => !kept.has(recordKey(entity, id)))
    if (ids.length) await table.bulkDelete(ids)
  }
  const keptBases = new Set(outbox.map((e) => baseKey(e.entity, e.recordId)))
  const bases = (await db.meta.where('key').startsWith(BASE_PREFIX).primaryKeys()) as string[]
  await db.meta.bulkDelete(bases.filter((k) => !keptBases.has(k)))
}

/** Step 3: delete the phone's copies and set their pending entries aside for the worker. */
async function removeRecords(
  db: FullGridDb,
  removed: readonly { entity: EntityName; id: string }[],
  pending: ReadonlyMap<string, OutboxEntry[]>,
  at: number,
): Promise<void> {
  const byEntity = new Map<EntityName, string[]>()
  for (const r of removed) byEntity.set(r.entity, [...(byEntity.get(r.entity) ?? []), r.id])
  for (const [entity, ids] of byEntity) await entityTable(db, entity).bulkDelete(ids)

  const stranded: OutboxEntry[] = removed.flatMap((r) => pending.get(recordKey(r.entity, r.id)) ?? [])
  // An issue's events and a patrol's track are only seen through their parent: they go with it.
  const removedIssues = new Set(byEntity.get('issues') ?? [])
  const removedPatrols = byEntity.get('patrols') ?? []
  if (removedIssues.size) await db.issueEvents.where('issueId').anyOf([...removedIssues]).delete()
  for (const patrolId of removedPatrols) await db.trackSegments.where('[patrolId+seq]').between([patrolId], [patrolId, []]).delete()
  // An event of a removed issue would be refused for naming an issue the user cannot see.
  if (removedIssues.size) {
    const events = await db.outbox.filter((e) => e.entity === 'issueEvents' && removedIssues.has(String(e.fields.issueId))).toArray()
    stranded.push(...events)
  }
  if (!stranded.length) return
  const unique = [...new Map(stranded.map((e) => [e.id, e])).values()].sort(byHlc)
  const rejected: RejectedEntry[] = unique.map((e) => ({
    ...plainEntry(e),
    reason: REJECTION_TEXTS.removed_from_scope.en,
    code: 'removed_from_scope',
    params: {},
    rejectedAt: at,
  }))
  await db.rejected.bulkPut(rejected)
  await db.outbox.bulkDelete(unique.map((e) => e.id))
  // A pending create of this phone (an event of a removed issue) has no server copy to fall back on.
  for (const e of unique) if (isCreate(e)) await entityTable(db, e.entity).delete(e.recordId)
}
