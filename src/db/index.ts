export { FullGridDb, LATEST_VERSION, SCHEMA_VERSIONS, type BlobEntry, type MetaEntry, type RejectedEntry } from './schema'
export { Repository, ValidationError, StorageFullError, NotFoundError, changedFields, type NewRecord, type RecordPatch } from './repository'
export { getMeta, setMeta, deleteMeta, ensureDeviceId, type MetaKey, type MetaValues } from './meta'
export { householdsInBuilding, visitsOfHousehold } from './queries'

import { FullGridDb } from './schema'

let instance: FullGridDb | null = null

/** The app's database (one per origin); tests make their own FullGridDb with another name. */
export function appDb(): FullGridDb {
  instance ??= new FullGridDb('fullgrid')
  return instance
}
