/**
 * Local reads and the one write of 入户走访 visits. A saved visit never changes (DESIGN §3); a
 * correction is a new visit naming the one it corrects.
 */
import { liveQuery } from 'dexie'
import type { Checklist, Issue, Visit } from '../domain/entities'
import type { CadenceVisit } from '../domain/cadence'
import { StorageFullError, isQuotaError, type NewRecord, type Repository } from './repository'
import type { FullGridDb } from './schema'
import { watchTables } from './watch'

/** 已同步 only when the server acknowledged the visit: no outbox entry for it remains. */
export type VisitSyncMark = 'pending' | 'rejected' | 'synced'

export interface VisitRow {
  visit: Visit
  sync: VisitSyncMark
}

/** Visits of one household, newest first, each with its sync mark. */
export function visitRowsOfHousehold(db: FullGridDb, householdId: string): Promise<VisitRow[]> {
  return db.transaction('r', [db.visits, db.outbox, db.rejected], async () => {
    const visits = (
      await db.visits.where('[householdId+startedAt]').between([householdId], [householdId, []]).reverse().toArray()
    ).filter((v) => !v.deleted)
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
    return await db.transaction('rw', [db.visits, db.issues, db.issueEvents, db.outbox, db.meta], async () => {
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
    })
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError()
    throw err
  }
}

/** Calls `onVisits` now and after changes of the visits table (a saved visit shows at once; see watch.ts). */
export function watchCadenceVisits(db: FullGridDb, onVisits: (v: CadenceVisit[]) => void, onError: (err: unknown) => void): () => void {
  return watchTables(db, ['visits'], () => cadenceVisits(db), onVisits, onError, 500)
}

/** Calls `onRows` now and after every change of visits, outbox or rejections (已同步 appears live). */
export function watchVisitRows(db: FullGridDb, householdId: string, onRows: (r: VisitRow[]) => void, onError: (err: unknown) => void): () => void {
  const sub = liveQuery(() => visitRowsOfHousehold(db, householdId)).subscribe({ next: onRows, error: onError })
  return () => sub.unsubscribe()
}

/** The current version of the visit checklist on the phone (the highest version not deleted). */
export async function currentChecklist(db: FullGridDb, kind: 'visit' | 'patrol' = 'visit'): Promise<Checklist | null> {
  const all = (await db.checklists.where('kind').equals(kind).toArray()).filter((c) => !c.deleted)
  if (!all.length) return null
  return all.reduce((a, b) => (b.version > a.version ? b : a))
}
