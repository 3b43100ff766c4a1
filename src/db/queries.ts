/** Local reads the features share. Households and visits are packed (packs.ts) and have no index. */
import type { Household, Visit } from '../domain/entities'
import type { FullGridDb } from './schema'

/** Households of one building (楼栋), in unit and room order (households are packed: a scan). */
export async function householdsInBuilding(db: FullGridDb, buildingId: string): Promise<Household[]> {
  const inBuilding = await db.households.filter((h) => h.buildingId === buildingId)
  return inBuilding.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.room < b.room ? -1 : a.room > b.room ? 1 : a.id < b.id ? -1 : 1))
}

/** Visits of one household, oldest first (then by id); visits are packed: a scan. */
export async function visitsOfHousehold(db: FullGridDb, householdId: string): Promise<Visit[]> {
  const visits = await db.visits.filter((v) => v.householdId === householdId)
  return visits.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
