/**
 * Local reads the features share. Visits use the compound index of the schema (schema.ts v3): a
 * prefix range runs from [id] (a shorter array sorts first) to [id, []] (an array sorts after every
 * string and number). Households are packed (packs.ts) and have no index.
 */
import type { Household, Visit } from '../domain/entities'
import type { FullGridDb } from './schema'

/** Households of one building (楼栋), in unit and room order (households are packed: a scan). */
export async function householdsInBuilding(db: FullGridDb, buildingId: string): Promise<Household[]> {
  const inBuilding = await db.households.filter((h) => h.buildingId === buildingId)
  return inBuilding.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.room < b.room ? -1 : a.room > b.room ? 1 : a.id < b.id ? -1 : 1))
}

/** Visits of one household, oldest first, on the [householdId+startedAt] index. */
export function visitsOfHousehold(db: FullGridDb, householdId: string): Promise<Visit[]> {
  return db.visits
    .where('[householdId+startedAt]')
    .between([householdId], [householdId, []])
    .toArray()
}
