/**
 * Local reads and writes of the household ledger (住户台账). Households are stored packed
 * (packs.ts, schema v4): features reach them only through the functions here.
 */
import { liveQuery } from 'dexie'
import type { Building, Grid, Household, Issue, IssueEvent } from '../domain/entities'
import { StorageFullError, isQuotaError, type NewRecord, type RecordPatch, type Repository } from './repository'
import type { FullGridDb } from './schema'
import { shareWatch, watchTables } from './watch'

export interface LedgerData {
  households: Household[]
  buildings: Building[]
  grids: Grid[]
}

/** Every household, building and grid on the phone (tombstones left out), in one read transaction. */
export function loadLedgerData(db: FullGridDb): Promise<LedgerData> {
  return db.transaction('r', [db.storeOf('households'), db.buildings, db.grids], async () => {
    const [households, buildings, grids] = await Promise.all([
      db.households.filter((h) => !h.deleted),
      db.buildings.filter((b) => !b.deleted).toArray(),
      db.grids.filter((g) => !g.deleted).toArray(),
    ])
    return { households, buildings, grids }
  })
}

export async function getHousehold(db: FullGridDb, id: string): Promise<Household | undefined> {
  const h = await db.households.get(id)
  return h && !h.deleted ? h : undefined
}

export async function getBuilding(db: FullGridDb, id: string | null): Promise<Building | undefined> {
  if (!id) return undefined
  const b = await db.buildings.get(id)
  return b && !b.deleted ? b : undefined
}

/** Issues linked to a household, each with its events (the caller derives the status). */
export function issuesOfHousehold(db: FullGridDb, householdId: string): Promise<{ issue: Issue; events: IssueEvent[] }[]> {
  return db.transaction('r', [db.issues, db.issueEvents], async () => {
    const issues = (await db.issues.where('householdId').equals(householdId).toArray()).filter((i) => !i.deleted)
    const events = issues.length ? await db.issueEvents.where('issueId').anyOf(issues.map((i) => i.id)).toArray() : []
    return issues.map((issue) => ({ issue, events: events.filter((e) => e.issueId === issue.id && !e.deleted) }))
  })
}

/** Households of the building, unit and room (the duplicate check's fast path). */
export function householdsAtRoom(db: FullGridDb, buildingId: string, unit: string, room: string): Promise<Household[]> {
  return db.households.filter((h) => h.buildingId === buildingId && h.unit === unit && h.room === room)
}

function wrapQuota<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    throw isQuotaError(err) ? new StorageFullError() : err
  })
}

/** 新增住户, through the one write path. */
export function createHousehold(repo: Repository, data: NewRecord<'households'>): Promise<Household> {
  return wrapQuota(repo.create('households', data))
}

/** 编辑住户 (members 迁入/迁出/去世, phone, tags …): only changed fields travel. */
export function updateHousehold(repo: Repository, id: string, patch: RecordPatch<'households'>): Promise<Household> {
  return wrapQuota(repo.update('households', id, patch))
}

/** Re-reads of the whole ledger are at most this often (a first download writes many pages). */
export const LEDGER_RELOAD_MS = 2000

/** Calls `onData` now and after changes of households, buildings or grids (throttled, see watch.ts). */
export function watchLedgerData(db: FullGridDb, onData: (d: LedgerData) => void, onError: (err: unknown) => void): () => void {
  return shareWatch<LedgerData>(
    db,
    'ledger',
    (emit, fail) => watchTables(db, ['households', 'buildings', 'grids'], () => loadLedgerData(db), emit, fail, LEDGER_RELOAD_MS),
    onData,
    onError,
  )
}

/** Calls `onHousehold` now and after every change of that household (undefined: not on the phone). */
export function watchHousehold(db: FullGridDb, id: string, onHousehold: (h: Household | undefined) => void, onError: (err: unknown) => void): () => void {
  const sub = liveQuery(() => getHousehold(db, id)).subscribe({ next: onHousehold, error: onError })
  return () => sub.unsubscribe()
}
