/**
 * Local reads the features share; they use the compound indexes of the schema (schema.ts v3).
 * A prefix range of a compound index runs from [id] (a shorter array sorts first) to [id, []]
 * (an array sorts after every string and number).
 */
import type { Household, Visit } from '../domain/entities'
import type { FullGridDb } from './schema'

/** Households of one building (楼栋), on the [buildingId+unit+room] index. */
export function householdsInBuilding(db: FullGridDb, buildingId: string): Promise<Household[]> {
  return db.households
    .where('[buildingId+unit+room]')
    .between([buildingId], [buildingId, []])
    .toArray()
}

/** Visits of one household, oldest first, on the [householdId+startedAt] index. */
export function visitsOfHousehold(db: FullGridDb, householdId: string): Promise<Visit[]> {
  return db.visits
    .where('[householdId+startedAt]')
    .between([householdId], [householdId, []])
    .toArray()
}
