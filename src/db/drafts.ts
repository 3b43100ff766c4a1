/**
 * Drafts of forms in progress (a visit interrupted by a phone call, a reload or the app being
 * killed), kept in IndexedDB beside the records and offered back when the worker returns.
 * Drafts are local only: they never enter the outbox.
 */
import type { FullGridDb } from './schema'

const PREFIX = 'draft:'

export async function loadDraft<T>(db: FullGridDb, key: string): Promise<T | null> {
  const row = await db.meta.get(PREFIX + key)
  return row ? (row.value as T) : null
}

export async function saveDraft<T>(db: FullGridDb, key: string, value: T): Promise<void> {
  await db.meta.put({ key: PREFIX + key, value })
}

export async function deleteDraft(db: FullGridDb, key: string): Promise<void> {
  await db.meta.delete(PREFIX + key)
}
