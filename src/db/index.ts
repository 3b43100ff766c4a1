export { FullGridDb, LATEST_VERSION, SCHEMA_VERSIONS, type BlobEntry, type MetaEntry, type RejectedEntry } from './schema'
export { Repository, ValidationError, StorageFullError, NotFoundError, changedFields, type NewRecord, type RecordPatch } from './repository'
export { getMeta, setMeta, deleteMeta, ensureDeviceId, type MetaKey, type MetaValues } from './meta'
export { householdsInBuilding, visitsOfHousehold } from './queries'

export { appDb } from './appDb'
