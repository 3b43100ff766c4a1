/**
 * What the sync engine (src/sync, Dexie-free) asks of the local database, one verb or aggregate
 * per file; this module only gathers them for the engine and the sync store.
 */
export { listOutbox, countOutbox, noteAttempt, pendingRecordCount, unsyncedRecordCount } from './outbox'
export { settlePush, type SettleOutcome } from './settlePush'
export { applyPullPage } from './applyPullPage'
export { isCreate, replay } from './overlay'
export { listRejected, discardRejected, retryRejected } from './rejected'
export { photoIdsOf, blobsToUpload, markBlobUploaded, photoBlob } from './blobs'
export { getCursor, getLastSyncAt, setLastSyncAt } from './syncState'
export { correctedNow, nextStamp, noteServerTime, receiveStamp } from './clock'
export { watchOutboxCount, watchPendingRecords, watchRejected, wipeLocalDatabase } from './watchers'
export { readClearOutbox, startEscrowSession, escrowTally, type ClearOutboxRow, type EscrowTally } from './escrow'
