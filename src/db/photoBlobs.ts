/**
 * A photo kept on the phone until sync uploads it: stored in `blobs` under the SHA-256 of its
 * bytes (DESIGN §3), so records name it by that key and the same photo is stored once.
 */
import type { FullGridDb } from './schema'

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Stores the (already compressed) photo; returns its key for a record's photoIds. */
export async function storePhoto(db: FullGridDb, photo: Blob, now = Date.now()): Promise<string> {
  const sha256 = await sha256Hex(await photo.arrayBuffer())
  await db.transaction('rw', db.blobs, async () => {
    if (await db.blobs.get(sha256)) return
    await db.blobs.add({ sha256, type: photo.type || 'image/jpeg', size: photo.size, data: photo, uploaded: 0, createdAt: now })
  })
  return sha256
}
