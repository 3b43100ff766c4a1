/**
 * Photos on the phone: stored once per content, keyed by the SHA-256 of their bytes
 * (DESIGN §3), waiting for the sync engine to upload them before the record that names them.
 */
import type { BlobEntry, FullGridDb } from './schema'

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Stores a (compressed) photo; the same bytes stored twice are one blob. Returns its key. */
export async function storePhoto(db: FullGridDb, blob: Blob, now: () => number = Date.now): Promise<string> {
  const sha256 = await sha256Hex(blob)
  await db.transaction('rw', db.blobs, async () => {
    if (await db.blobs.get(sha256)) return
    const entry: BlobEntry = { sha256, type: blob.type || 'image/jpeg', size: blob.size, data: blob, uploaded: 0, createdAt: now() }
    await db.blobs.add(entry)
  })
  return sha256
}

/** The photo's bytes, if still on the phone (synced photos may have been evicted). */
export async function getPhoto(db: FullGridDb, sha256: string): Promise<Blob | null> {
  return (await db.blobs.get(sha256))?.data ?? null
}
