/** Where sync stands on this phone: the pull cursor and the last successful run. */
import { getMeta, setMeta } from './meta'
import type { FullGridDb } from './schema'

export function getCursor(db: FullGridDb): Promise<string | undefined> {
  return getMeta(db, 'syncCursor')
}

export async function setLastSyncAt(db: FullGridDb, at: number): Promise<void> {
  await setMeta(db, 'lastSyncAt', at)
}

export function getLastSyncAt(db: FullGridDb): Promise<number | undefined> {
  return getMeta(db, 'lastSyncAt')
}
