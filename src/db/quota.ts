/**
 * When the browser refuses to store more (QuotaExceededError), DESIGN §7: keep everything that is
 * stored, make room from what exists elsewhere — photos the server already has (uploaded = 1;
 * the record keeps the key, the bytes can be fetched again) and, through evictors the app
 * registers, cached map tiles — then try the write once more. If there is still no room, the
 * write fails as a whole with StorageFullError (its words are for the worker); nothing of it is
 * half-stored, and the form that made it still holds what was typed.
 */
import Dexie from 'dexie'
import { StorageFullError, isQuotaError } from './repository'
import type { FullGridDb } from './schema'

export interface Eviction {
  /** Uploaded photos whose local bytes were dropped. */
  photos: number
  /** Bytes of those photos. */
  photoBytes: number
  /** Entries dropped by the app's other evictors (map tiles). */
  other: number
}

/** Frees space held by data that also lives elsewhere; returns how many entries it dropped. */
export type Evictor = () => Promise<number>

const evictors: Evictor[] = []
const listeners = new Set<(e: Eviction) => void>()

/** The app adds what else may be dropped under pressure (e.g. the tile cache, in the page). */
export function registerEvictor(evictor: Evictor): () => void {
  evictors.push(evictor)
  return () => void evictors.splice(evictors.indexOf(evictor) >>> 0, 1)
}

/** Told after every eviction, so the UI can say plainly what was removed and why. */
export function onEviction(listener: (e: Eviction) => void): () => void {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** Drops the local bytes of photos the server has; records, drafts and the outbox stay untouched. */
export async function evictUploadedPhotos(db: FullGridDb): Promise<{ photos: number; bytes: number }> {
  let photos = 0
  let bytes = 0
  await db.blobs
    .where('uploaded')
    .equals(1)
    .modify((b) => {
      if (b.data === null) return
      photos++
      bytes += b.size
      b.data = null
    })
  return { photos, bytes }
}

/** What may go, photos first, tiles if that was not enough; listeners hear what went. */
export async function freeSpace(db: FullGridDb): Promise<Eviction> {
  const { photos, bytes } = await evictUploadedPhotos(db).catch(() => ({ photos: 0, bytes: 0 }))
  // Tiles only when photos freed nothing: a worker's offline map matters more in a basement.
  let other = 0
  if (photos === 0) for (const evict of evictors) other += await evict().catch(() => 0)
  const eviction = { photos, photoBytes: bytes, other }
  if (photos + other > 0) for (const l of listeners) l(eviction)
  return eviction
}

/**
 * Runs a write; on QuotaExceededError frees space and runs it once more. Inside another
 * transaction it only runs the write: the outermost caller owns the retry (an inner retry could
 * not undo the outer transaction's abort).
 */
export async function withSpace<T>(db: FullGridDb, write: () => Promise<T>): Promise<T> {
  if (Dexie.currentTransaction) return write()
  try {
    return await write()
  } catch (err) {
    if (!isQuotaError(err) && !(err instanceof StorageFullError)) throw err
  }
  const freed = await freeSpace(db)
  if (freed.photos + freed.other === 0) throw new StorageFullError()
  try {
    return await write()
  } catch (err) {
    if (isQuotaError(err) || err instanceof StorageFullError) throw new StorageFullError()
    throw err
  }
}
