/**
 * Local reads and the one write of 入户走访 visits. A saved visit never changes (DESIGN §3); a
 * correction is a new visit naming the one it corrects.
 */
import Dexie, { RangeSet, liveQuery, type ObservabilitySet } from 'dexie'
import type { Checklist, Issue, Visit } from '../domain/entities'
import type { CadenceVisit } from '../domain/cadence'
import { StorageFullError, isQuotaError, type NewRecord, type Repository } from './repository'
import { withSpace } from './quota'
import type { FullGridDb } from './schema'
import { visitsOfHousehold } from './queries'
import { shareWatch, watchTables } from './watch'
import { LEDGER_RELOAD_MS } from './households'
import { checklistFor } from './checklists'

/** 已同步 only when the server acknowledged the visit: no outbox entry for it remains. */
export type VisitSyncMark = 'pending' | 'rejected' | 'synced'

export interface VisitRow {
  visit: Visit
  sync: VisitSyncMark
}

/** Visits of one household, newest first, each with its sync mark. */
export function visitRowsOfHousehold(db: FullGridDb, householdId: string): Promise<VisitRow[]> {
  return db.transaction('r', [db.storeOf('visits'), db.outbox, db.rejected], async () => {
    const visits = (await visitsOfHousehold(db, householdId)).filter((v) => !v.deleted).reverse()
    const ids = visits.map((v) => v.id)
    const [queued, refused] = await Promise.all([
      db.outbox.where('recordId').anyOf(ids).keys(),
      db.rejected.where('recordId').anyOf(ids).keys(),
    ])
    // keys() of a where() on recordId gives the index values: the record ids.
    const pending = new Set(queued.map(String))
    const rejected = new Set(refused.map(String))
    return visits.map((visit) => ({
      visit,
      sync: rejected.has(visit.id) ? 'rejected' : pending.has(visit.id) ? 'pending' : 'synced',
    }))
  })
}

/** The fields the cadence rules need of every visit on the phone. */
export async function cadenceVisits(db: FullGridDb): Promise<CadenceVisit[]> {
  const all = await db.visits.toArray()
  return all.map((v) => ({ householdId: v.householdId, startedAt: v.startedAt, channel: v.channel, deleted: v.deleted }))
}

export function getVisit(db: FullGridDb, id: string): Promise<Visit | undefined> {
  return db.visits.get(id)
}

/** An issue or 微心愿 raised from a need of the visit (诉求), created with the visit. */
export type IssueFromVisit = Omit<NewRecord<'issues'>, 'source' | 'sourceId' | 'householdId' | 'gridId' | 'reportedAt' | 'reportedBy'>

/**
 * 保存走访: the visit and the issues raised from its needs (each with its `reported` event), in
 * one transaction with their outbox entries — all stored, or nothing.
 */
export async function saveVisit(
  db: FullGridDb,
  repo: Repository,
  visit: NewRecord<'visits'>,
  issues: readonly IssueFromVisit[] = [],
): Promise<{ visit: Visit; issues: Issue[] }> {
  try {
    // Only the tables written: a visit without raised needs does not lock issues.
    const visitStore = db.storeOf('visits')
    const tables = issues.length ? [visitStore, db.issues, db.issueEvents, db.outbox, db.meta] : [visitStore, db.outbox, db.meta]
    return await withSpace(db, () => db.transaction('rw', tables, async () => {
      const saved = await repo.create('visits', visit)
      const created: Issue[] = []
      for (const draft of issues) {
        const issue = await repo.create('issues', {
          ...draft,
          source: 'visit',
          sourceId: saved.id,
          householdId: saved.householdId,
          gridId: saved.gridId,
          reportedAt: saved.endedAt,
          reportedBy: saved.workerId,
        })
        await repo.create('issueEvents', { issueId: issue.id, type: 'reported', actorId: saved.workerId, at: saved.endedAt, data: {} })
        created.push(issue)
      }
      return { visit: saved, issues: created }
    }))
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError()
    throw err
  }
}

/** Beyond this many rewritten chunks in one write, re-read every visit instead of those chunks. */
const INCREMENTAL_MAX_CHUNKS = 8
/** Beyond this many mutated keys (of any packed entity), re-read everything. */
const INCREMENTAL_MAX = 500

/**
 * Calls `onVisits` now and after every change of the visits. Visits are packed (packs.ts): a write
 * of a few visits (a saved visit, a small pull) rewrites a few chunks, and only those chunks are
 * read again, so a save shows at once without re-reading thousands of visits; a bigger write (a
 * page of the first download) re-reads them all, at most every LEDGER_RELOAD_MS.
 */
export function watchCadenceVisits(db: FullGridDb, onVisits: (v: CadenceVisit[]) => void, onError: (err: unknown) => void): () => void {
  return shareWatch<CadenceVisit[]>(db, 'cadenceVisits', (emit, fail) => followCadenceVisits(db, emit, fail), onVisits, onError)
}

function followCadenceVisits(db: FullGridDb, onVisits: (v: CadenceVisit[]) => void, onError: (err: unknown) => void): () => void {
  const byId = new Map<string, CadenceVisit>()
  // Which visits each chunk held when last read: a rewritten chunk may have lost some.
  const inChunk = new Map<string, string[]>()
  const emit = () => onVisits([...byId.values()])
  let queue: Promise<void> = Promise.resolve()
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(onError)
  }
  const stopFull = watchTables(
    db,
    [],
    () => db.visits.allChunks(),
    (chunks) =>
      enqueue(async () => {
        byId.clear()
        inChunk.clear()
        for (const [key, recs] of chunks) {
          inChunk.set(key, recs.map((v) => v.id))
          for (const v of recs) byId.set(v.id, toCadence(v))
        }
        emit()
      }),
    onError,
    LEDGER_RELOAD_MS,
  )
  const part = `idb://${db.name}/${db.storeOf('visits').name}/`
  const onMutated = (parts: ObservabilitySet) => {
    if (!parts[part] && !parts[`${part}:dels`]) return
    const changed = pointKeys(parts[part])
    const deleted = pointKeys(parts[`${part}:dels`])
    if (!changed || !deleted) return stopFull.reload()
    const chunks = [...new Set([...changed, ...deleted])].filter((k) => db.visits.isChunkKey(k))
    if (!chunks.length) return
    if (chunks.length > INCREMENTAL_MAX_CHUNKS) return stopFull.reload()
    enqueue(async () => {
      const records = await db.visits.chunkRecords(chunks)
      chunks.forEach((key, i) => {
        for (const id of inChunk.get(key) ?? []) byId.delete(id)
        const recs = records[i] ?? []
        for (const v of recs) byId.set(v.id, toCadence(v))
        if (recs.length) inChunk.set(key, recs.map((v) => v.id))
        else inChunk.delete(key)
      })
      emit()
    })
  }
  Dexie.on('storagemutated', onMutated)
  return () => {
    stopFull()
    Dexie.on.storagemutated.unsubscribe(onMutated)
  }
}

function toCadence(v: Visit): CadenceVisit {
  return { householdId: v.householdId, startedAt: v.startedAt, channel: v.channel, deleted: v.deleted }
}

/** The single keys of a mutated-keys tree, or null when it holds a range (e.g. a clear()). */
function pointKeys(tree: ObservabilitySet[string] | undefined): string[] | null {
  if (!tree) return []
  const keys: string[] = []
  // RangeSet wraps a tree (also one that came from another tab) and iterates its ranges.
  const Ranges = RangeSet as unknown as new (tree: unknown) => Iterable<{ from: unknown; to: unknown }>
  for (const node of new Ranges(tree)) {
    if (typeof node.from !== 'string' || node.from !== node.to) return null
    keys.push(node.from)
    if (keys.length > INCREMENTAL_MAX) return null
  }
  return keys
}

/** Calls `onRows` now and after every change of visits, outbox or rejections (已同步 appears live). */
export function watchVisitRows(db: FullGridDb, householdId: string, onRows: (r: VisitRow[]) => void, onError: (err: unknown) => void): () => void {
  const sub = liveQuery(() => visitRowsOfHousehold(db, householdId)).subscribe({ next: onRows, error: onError })
  return () => sub.unsubscribe()
}

/** The checklist a visit is made with: the user's community's, else the shared one (./checklists). */
export function currentChecklist(db: FullGridDb, kind: 'visit' | 'patrol' = 'visit', gridIds: readonly string[] = []): Promise<Checklist | null> {
  return checklistFor(db, kind, gridIds)
}
