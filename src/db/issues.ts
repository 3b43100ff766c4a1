/**
 * Local queries for issues (事件) and the one write of a new report. Writes go through the
 * Repository; this file only groups them in one transaction and reads what the list shows.
 */
import { liveQuery } from 'dexie'
import type { Issue, IssueEvent } from '../domain/entities'
import { StorageFullError, isQuotaError, type NewRecord, type Repository } from './repository'
import type { FullGridDb } from './schema'

/**
 * Where a record stands with the server (DESIGN §8.2): `pending` while the issue or one of its
 * events is still in the outbox, `rejected` while the server's refusal waits for the worker,
 * `synced` only when neither holds anything of it.
 */
export type IssueSyncMark = 'pending' | 'rejected' | 'synced'

export interface IssueRow {
  issue: Issue
  events: IssueEvent[]
  sync: IssueSyncMark
}

/** The list reads at most this many issues, newest first. */
export const ISSUE_LIST_LIMIT = 300

/** Issues on this phone, newest report first, each with its events and sync mark. */
export function listIssueRows(db: FullGridDb, limit = ISSUE_LIST_LIMIT): Promise<IssueRow[]> {
  return db.transaction('r', [db.issues, db.issueEvents, db.outbox, db.rejected], async () => {
    const issues = await db.issues
      .orderBy('reportedAt')
      .reverse()
      .filter((i) => !i.deleted)
      .limit(limit)
      .toArray()
    const ids = issues.map((i) => i.id)
    const events = (await db.issueEvents.where('issueId').anyOf(ids).toArray()).filter((e) => !e.deleted)
    const recordIds = [...ids, ...events.map((e) => e.id)]
    const [queued, refused] = await Promise.all([
      db.outbox.where('recordId').anyOf(recordIds).keys(),
      db.rejected.where('recordId').anyOf(recordIds).keys(),
    ])
    const pending = new Set(queued.map(String))
    const rejected = new Set(refused.map(String))

    const byIssue = new Map<string, IssueEvent[]>(ids.map((id) => [id, []]))
    for (const e of events) byIssue.get(e.issueId)?.push(e)
    return issues.map((issue) => {
      const own = byIssue.get(issue.id) ?? []
      const mine = [issue.id, ...own.map((e) => e.id)]
      const sync: IssueSyncMark = mine.some((id) => rejected.has(id))
        ? 'rejected'
        : mine.some((id) => pending.has(id))
          ? 'pending'
          : 'synced'
      return { issue, events: own, sync }
    })
  })
}

/** Calls `onRows` now and after every change to issues, events, outbox or rejections. */
export function watchIssueRows(
  db: FullGridDb,
  onRows: (rows: IssueRow[]) => void,
  onError: (err: unknown) => void,
  limit = ISSUE_LIST_LIMIT,
): () => void {
  const sub = liveQuery(() => listIssueRows(db, limit)).subscribe({ next: onRows, error: onError })
  return () => sub.unsubscribe()
}

/** Names of the given grids as stored on this phone; ids without a local grid are left out. */
export async function gridNames(db: FullGridDb, ids: readonly string[]): Promise<Map<string, string>> {
  const grids = await db.grids.bulkGet([...ids])
  return new Map(grids.filter((g) => g && !g.deleted).map((g) => [g!.id, g!.name]))
}

export type NewReportedEvent = Omit<NewRecord<'issueEvents'>, 'issueId' | 'type'>

/**
 * 上报: the issue and its `reported` event, both through Repository.create, in one transaction —
 * either both records and both outbox entries are stored, or nothing is.
 */
export async function reportIssue(
  db: FullGridDb,
  repo: Repository,
  issue: NewRecord<'issues'>,
  reported: NewReportedEvent,
): Promise<{ issue: Issue; event: IssueEvent }> {
  try {
    return await db.transaction('rw', [db.issues, db.issueEvents, db.outbox, db.meta], async () => {
      const saved = await repo.create('issues', issue)
      const event = await repo.create('issueEvents', { ...reported, issueId: saved.id, type: 'reported' })
      return { issue: saved, event }
    })
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError()
    throw err
  }
}
