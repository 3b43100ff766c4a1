/**
 * Checklists on the phone: the one to fill in (the user's community's, else the shared set —
 * src/domain/checklists pickChecklist) and the ones older records were made with.
 */
import { pickChecklist, type ChecklistKind } from '../domain/checklists'
import type { Checklist } from '../domain/entities'
import type { FullGridDb } from './schema'

/** The communities of the user's grids (a community-level grid is its own community). */
export async function communityIdsOf(db: FullGridDb, gridIds: readonly string[]): Promise<Set<string>> {
  const grids = await db.grids.bulkGet([...gridIds])
  const ids = new Set<string>()
  for (const g of grids) if (g?.communityId) ids.add(g.communityId.toLowerCase())
  return ids
}

/** The checklist of `kind` a user of these grids fills in now; null when the phone has none. */
export async function checklistFor(db: FullGridDb, kind: ChecklistKind, gridIds: readonly string[]): Promise<Checklist | null> {
  const [all, communities] = await Promise.all([db.checklists.where('kind').equals(kind).toArray(), communityIdsOf(db, gridIds)])
  return pickChecklist(all, kind, communities)
}

/** The checklists these records name, by id (records of several versions share one). */
export async function checklistsByIds(db: FullGridDb, ids: Iterable<string | null | undefined>): Promise<Map<string, Checklist>> {
  const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))]
  const found = await db.checklists.bulkGet(wanted)
  return new Map(found.filter((c): c is Checklist => !!c).map((c) => [c.id, c]))
}
