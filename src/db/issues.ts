/**
 * Local queries for issues (事件) and their writes. Writes go through the Repository; this file
 * groups them in one transaction and reads what the list and the issue page show.
 */
import { liveQuery } from 'dexie'
import type { Building, Household, Issue, IssueEvent, User } from '../domain/entities'
import type { IssueSourceRecord } from '../domain/consoleIssue'
import { parseHlc } from '../domain/hlc'
import { deriveIssueState, isOpen, type IssueEventLike } from '../domain/issueState'
import { issueDeadline } from '../domain/deadlines'
import { naturalCompare } from '../domain/naturalOrder'
import { buildingLabel, placeOf, type PlaceGuess } from '../domain/place'
import { StorageFullError, isQuotaError, type NewRecord, type Repository } from './repository'
import { withSpace } from './quota'
import { getMeta } from './meta'
import { photoBlob } from './blobs'
import type { FullGridDb, RejectedEntry } from './schema'

/**
 * Where a record stands with the server (DESIGN §8.2): `pending` while the issue or one of its
 * events is still in the outbox, `rejected` while the server's refusal waits for the worker,
 * `synced` only when neither holds anything of it.
 */
export type IssueSyncMark = 'pending' | 'rejected' | 'synced'

/** An event as the phone holds it: `pending` until the server has placed it in the history. */
export type LocalIssueEvent = IssueEvent & { acceptedSeq?: number; pending: boolean; queued: boolean }

export interface IssueRow {
  issue: Issue
  events: LocalIssueEvent[]
  sync: IssueSyncMark
}

/** The list reads at most this many issues, newest first. */
export const ISSUE_LIST_LIMIT = 300

/**
 * Marks each event: `queued` while its create is in the outbox; `pending` (sorts after the
 * server's history) while queued, or when this device wrote it and the server's numbered copy
 * has not come back with a pull yet.
 */
function markEvents(events: IssueEvent[], queued: Set<string>, deviceId: string | undefined): LocalIssueEvent[] {
  return events.map((e) => {
    const seq = (e as IssueEvent & { acceptedSeq?: number }).acceptedSeq
    const q = queued.has(e.id)
    const mine = deviceId !== undefined && seq === undefined && nodeOf(e.hlc) === deviceId
    return { ...e, pending: q || mine, queued: q }
  })
}

function nodeOf(hlc: string): string | undefined {
  try {
    return parseHlc(hlc).node
  } catch {
    return undefined
  }
}

/** Issues on this phone, newest report first, each with its events and sync mark. */
export function listIssueRows(db: FullGridDb, limit = ISSUE_LIST_LIMIT): Promise<IssueRow[]> {
  return db.transaction('r', [db.issues, db.issueEvents, db.outbox, db.rejected, db.meta], async () => {
    const issues = await db.issues
      .orderBy('reportedAt')
      .reverse()
      .filter((i) => !i.deleted)
      .limit(limit)
      .toArray()
    const ids = issues.map((i) => i.id)
    const events = (await db.issueEvents.where('issueId').anyOf(ids).toArray()).filter((e) => !e.deleted)
    const recordIds = [...ids, ...events.map((e) => e.id)]
    const [queued, refused, refusedEvents, deviceId] = await Promise.all([
      db.outbox.where('recordId').anyOf(recordIds).toArray(),
      db.rejected.where('recordId').anyOf(recordIds).keys(),
      db.rejected.filter((r) => r.entity === 'issueEvents').toArray(),
      getMeta(db, 'deviceId'),
    ])
    const pending = new Set(queued.map((e) => e.recordId))
    const rejected = new Set(refused.map(String))
    // A refused event's record is gone from the phone; its issue still says 需处理.
    const rejectedIssues = new Set(refusedEvents.map((r) => String(r.fields.issueId)))

    const byIssue = new Map<string, IssueEvent[]>(ids.map((id) => [id, []]))
    for (const e of events) byIssue.get(e.issueId)?.push(e)
    return issues.map((issue) => {
      const own = byIssue.get(issue.id) ?? []
      const mine = [issue.id, ...own.map((e) => e.id)]
      const sync: IssueSyncMark = rejectedIssues.has(issue.id) || mine.some((id) => rejected.has(id))
        ? 'rejected'
        : mine.some((id) => pending.has(id))
          ? 'pending'
          : 'synced'
      return { issue, events: markEvents(own, pending, deviceId), sync }
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

/** Open issues past their 7135 deadline on this phone (for 今日). */
export async function countOverdueIssues(db: FullGridDb, now: number): Promise<number> {
  const rows = await listIssueRows(db)
  return rows.filter((r) => {
    const state = deriveIssueState(r.events, r.issue.level)
    return isOpen(state.status) && issueDeadline(r.issue, state, now).overdue
  }).length
}

/** Follows countOverdueIssues (今日 shows it); returns the unsubscribe. */
export function watchOverdueIssueCount(db: FullGridDb, onCount: (n: number) => void, now: () => number = Date.now): () => void {
  const sub = liveQuery(() => countOverdueIssues(db, now())).subscribe({ next: onCount, error: () => {} })
  return () => sub.unsubscribe()
}

export interface IssueDetail {
  issue: Issue
  events: LocalIssueEvent[]
  /** This issue's events the server refused (需处理), with their reasons. */
  refused: RejectedEntry[]
  /** Names of the people in the timeline and of the grid's workers. */
  people: Map<string, Pick<User, 'id' | 'name' | 'role' | 'gridIds'>>
  household: Household | null
  building: Building | null
  /** Without a household: the issue's position as the nearest building of the ledger tells it. */
  place: PlaceGuess<Building> | null
  gridName: string | null
  /** The visit or patrol it came from (来自), when this phone holds it. */
  source: IssueSourceRecord | null
}

/** Everything the issue page shows, read in one transaction; null when the phone has no such issue. */
export function readIssueDetail(db: FullGridDb, id: string): Promise<IssueDetail | null> {
  return db.transaction('r', [db.issues, db.issueEvents, db.outbox, db.rejected, db.meta, db.users, db.storeOf('households'), db.storeOf('visits'), db.patrols, db.buildings, db.grids], async () => {
    const issue = await db.issues.get(id)
    if (!issue || issue.deleted) return null
    const events = (await db.issueEvents.where('issueId').equals(id).toArray()).filter((e) => !e.deleted)
    const queued = new Set((await db.outbox.where('recordId').anyOf(events.map((e) => e.id)).toArray()).map((e) => e.recordId))
    const refused = await db.rejected.filter((r) => r.entity === 'issueEvents' && r.fields.issueId === id).toArray()
    const users = await db.users.toArray()
    const household = issue.householdId ? ((await db.households.get(issue.householdId)) ?? null) : null
    const buildingId = household?.buildingId ?? null
    const building = buildingId ? ((await db.buildings.get(buildingId)) ?? null) : null
    const grid = await db.grids.get(issue.gridId)
    const place = !household && issue.location ? placeOf(issue.location, await localBuildings(db)) : null
    return {
      issue,
      events: markEvents(events, queued, await getMeta(db, 'deviceId')),
      refused,
      people: new Map(users.filter((u) => !u.deleted).map((u) => [u.id, { id: u.id, name: u.name, role: u.role, gridIds: u.gridIds }])),
      household,
      building,
      place,
      gridName: grid?.name ?? null,
      source: await sourceRecord(db, issue),
    }
  })
}

/** The issue's visit (with its household's address) or patrol as this phone holds it. */
async function sourceRecord(db: FullGridDb, issue: Issue): Promise<IssueSourceRecord | null> {
  if (!issue.sourceId) return null
  if (issue.source === 'visit') {
    const v = await db.visits.get(issue.sourceId)
    if (!v || v.deleted) return null
    const h = await db.households.get(v.householdId)
    return { kind: 'visit', id: v.id, at: v.startedAt, householdId: v.householdId, address: h && !h.deleted ? h.address : null, workerId: v.workerId }
  }
  if (issue.source === 'patrol') {
    const p = await db.patrols.get(issue.sourceId)
    if (!p || p.deleted) return null
    return { kind: 'patrol', id: p.id, at: p.startedAt, householdId: null, address: null, workerId: p.workerId }
  }
  return null
}

export function watchIssueDetail(db: FullGridDb, id: string, onDetail: (d: IssueDetail | null) => void, onError: (err: unknown) => void): () => void {
  const sub = liveQuery(() => readIssueDetail(db, id)).subscribe({ next: onDetail, error: onError })
  return () => sub.unsubscribe()
}

/** Parent of each grid on this phone (to tell whether a person works in an issue's grid). */
export async function gridParents(db: FullGridDb): Promise<Map<string, string | null>> {
  const grids = await db.grids.toArray()
  return new Map(grids.map((g) => [g.id, g.parentId]))
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
    return await withSpace(db, () => db.transaction('rw', [db.issues, db.issueEvents, db.outbox, db.meta], async () => {
      const saved = await repo.create('issues', issue)
      const event = await repo.create('issueEvents', { ...reported, issueId: saved.id, type: 'reported' })
      return { issue: saved, event }
    }))
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError()
    throw err
  }
}

/**
 * One lifecycle step (派单, 接单, 到场 …), judged by the caller with src/domain/issueRules against
 * the events read in the same transaction: `check` gets them and throws to refuse.
 */
export async function recordIssueEvent(
  db: FullGridDb,
  repo: Repository,
  event: NewRecord<'issueEvents'>,
  check: (events: IssueEventLike[]) => void,
): Promise<IssueEvent> {
  return db.transaction('rw', [db.issues, db.issueEvents, db.outbox, db.meta], async () => {
    const events = (await db.issueEvents.where('issueId').equals(event.issueId).toArray()).filter((e) => !e.deleted)
    const queued = new Set((await db.outbox.where('recordId').anyOf(events.map((e) => e.id)).toArray()).map((e) => e.recordId))
    check(markEvents(events, queued, await getMeta(db, 'deviceId')))
    return repo.create('issueEvents', event)
  })
}

export interface PlaceOption {
  kind: 'household' | 'building'
  id: string
  label: string
  gridId: string
  householdId: string | null
  location: { lng: number; lat: number } | null
}

/** The buildings of the ledger on this phone (to name a position by its nearest building). */
export async function localBuildings(db: FullGridDb): Promise<Building[]> {
  return (await db.buildings.toArray()).filter((b) => !b.deleted)
}

/**
 * Buildings and households of the ledger whose name or address contains `text` (上报 location):
 * buildings first (a matter of a whole building is common), each group in natural order
 * (5号楼 before 15号楼). Spaces in the text are ignored: "翠湖花园 5号楼" finds 翠湖花园5号楼.
 */
export async function searchPlaces(db: FullGridDb, text: string, limit = 20): Promise<PlaceOption[]> {
  const q = text.replace(/\s+/g, '')
  if (!q) return []
  const buildings = (await db.buildings.filter((b) => !b.deleted && `${b.compound}${b.name}`.includes(q)).toArray())
    .sort((a, b) => naturalCompare(buildingLabel(a), buildingLabel(b)))
    .slice(0, limit)
  const byId = new Map(buildings.map((b) => [b.id, b]))
  const households = (await db.households.filter((h) => !h.deleted && (h.address.replace(/\s+/g, '').includes(q) || h.headName.includes(q)), limit * 25))
    .sort((a, b) => naturalCompare(a.address, b.address))
    .slice(0, limit)
  const missing = households.map((h) => h.buildingId).filter((id): id is string => !!id && !byId.has(id))
  for (const b of await db.buildings.bulkGet(missing)) if (b) byId.set(b.id, b)
  const at = (b: Building | undefined) => (b ? { lng: b.location[0], lat: b.location[1] } : null)
  // Both kinds in the list even when one fills the limit: half each, the rest to the other.
  const nb = Math.min(buildings.length, Math.max(Math.ceil(limit / 2), limit - households.length))
  return [
    ...buildings.slice(0, nb).map((b) => ({ kind: 'building' as const, id: b.id, label: buildingLabel(b), gridId: b.gridId, householdId: null, location: at(b) })),
    ...households.slice(0, limit - nb).map((h) => ({
      kind: 'household' as const, id: h.id, label: `${h.address} ${h.headName}`, gridId: h.gridId, householdId: h.id,
      location: at(h.buildingId ? byId.get(h.buildingId) : undefined),
    })),
  ]
}

/** A photo blob by its key, or null when it is not (or no longer) on the phone. */
export async function readPhoto(db: FullGridDb, sha256: string): Promise<Blob | null> {
  return photoBlob(await db.blobs.get(sha256))
}
