/**
 * Photos of issues (上报, 办结, 完成) in the blobs table, keyed by the SHA-256 of their bytes
 * (DESIGN §3), so the sync engine uploads each once before the record that names it.
 */
import type { FullGridDb } from './schema'

/** Stores a (compressed) photo; returns its key. Storing the same bytes twice keeps one blob. */
export async function storePhoto(db: FullGridDb, blob: Blob, now: number = Date.now()): Promise<string> {
  const bytes = await blob.arrayBuffer()
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  await db.transaction('rw', db.blobs, async () => {
    if (await db.blobs.get(sha256)) return
    await db.blobs.add({ sha256, type: blob.type || 'image/jpeg', size: blob.size, data: blob, uploaded: 0, createdAt: now })
  })
  return sha256
}
