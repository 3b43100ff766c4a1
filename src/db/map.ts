/**
 * What a grid map shows, read from the phone's records: the grids asked for and their
 * micro-grids, their buildings with household counts, and each household's latest visit (the
 * visit state colours the buildings).
 */
import type { Building, Grid, Household } from '../domain/entities'
import type { FullGridDb } from './schema'

export interface GridMapRecords {
  /** The grids asked for and every micro-grid below them. */
  grids: Grid[]
  buildings: Building[]
  households: Pick<Household, 'id' | 'buildingId' | 'tags' | 'cadenceDays'>[]
  /** householdId → startedAt of its latest visit. */
  lastVisit: Map<string, number>
}

export async function gridMapRecords(db: FullGridDb, gridIds: readonly string[]): Promise<GridMapRecords> {
  return db.transaction('r', [db.grids, db.buildings, ...db.storesOf(['households', 'visits'])], async () => {
    const top = (await db.grids.bulkGet([...gridIds])).filter((g): g is Grid => !!g && !g.deleted)
    const children = await db.grids.where('parentId').anyOf(top.map((g) => g.id)).filter((g) => !g.deleted).toArray()
    // A community-level id (a supervisor) reaches its grids, and their micro-grids, one level more.
    const grandChildren = children.some((g) => g.level === 'grid')
      ? await db.grids.where('parentId').anyOf(children.map((g) => g.id)).filter((g) => !g.deleted).toArray()
      : []
    const grids = [...top, ...children, ...grandChildren]
    const ids = grids.map((g) => g.id)
    const buildings = await db.buildings.where('gridId').anyOf(ids).filter((b) => !b.deleted).toArray()
    const inGrids = new Set(ids)
    const households = (await db.households.filter((h) => !h.deleted && inGrids.has(h.gridId)))
      .map(({ id, buildingId, tags, cadenceDays }) => ({ id, buildingId, tags, cadenceDays }))
    const lastVisit = new Map<string, number>()
    for (const v of await db.visits.toArray()) {
      if (v.deleted || !inGrids.has(v.gridId)) continue
      const seen = lastVisit.get(v.householdId)
      if (seen === undefined || v.startedAt > seen) lastVisit.set(v.householdId, v.startedAt)
    }
    return { grids, buildings, households, lastVisit }
  })
}
