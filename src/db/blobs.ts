/**
 * Photos on the phone: stored once per content, keyed by the SHA-256 of their bytes
 * (DESIGN §3), waiting for the sync engine to upload them before the record that names them.
 */
import type { OutboxEntry } from '../domain/sync'
import type { BlobEntry, FullGridDb } from './schema'
import { withSpace } from './quota'
import { currentKey } from './crypto/keyring'

/** The photo of a stored entry as a Blob, whether kept as a Blob or (encrypted) as bytes. */
export function photoBlob(e: Pick<BlobEntry, 'data' | 'type'> | undefined): Blob | null {
  if (!e?.data) return null
  return e.data instanceof Uint8Array ? new Blob([e.data as BlobPart], { type: e.type }) : e.data
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Stores a (compressed) photo; the same bytes stored twice are one blob. Returns its key. */
export async function storePhoto(db: FullGridDb, blob: Blob, now: () => number = Date.now): Promise<string> {
  const sha256 = await sha256Hex(blob)
  // Under encryption the bytes are read here, outside the transaction (a Blob cannot be sealed in it).
  const data: Blob | Uint8Array = currentKey() ? new Uint8Array(await blob.arrayBuffer()) : blob
  // A full disk first drops photos the server already has (src/db/quota.ts), then tries once more.
  await withSpace(db, () =>
    db.transaction('rw', db.blobs, async () => {
      const stored = await db.blobs.get(sha256)
      if (stored?.data) return
      // Taken again after its bytes were evicted: keep them again (the server may still have them).
      const entry: BlobEntry = { sha256, type: blob.type || 'image/jpeg', size: blob.size, data, uploaded: stored?.uploaded ?? 0, createdAt: stored?.createdAt ?? now() }
      await db.blobs.put(entry)
    }),
  )
  return sha256
}

/** The photo's bytes, if still on the phone (synced photos may have been evicted). */
export async function getPhoto(db: FullGridDb, sha256: string): Promise<Blob | null> {
  return photoBlob(await db.blobs.get(sha256))
}

const SHA256_RE = /^[0-9a-f]{64}$/

/** Every blob key a mutation names: photoIds at any depth (visits, issues, patrol answers, event data). */
export function photoIdsOf(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 6 || value === null || typeof value !== 'object') return out
  if (Array.isArray(value)) {
    for (const v of value) photoIdsOf(v, out, depth + 1)
    return out
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'photoIds' && Array.isArray(v)) {
      for (const s of v) if (typeof s === 'string' && SHA256_RE.test(s)) out.add(s)
    } else photoIdsOf(v, out, depth + 1)
  }
  return out
}

/** The local blobs the server does not have yet that these mutations name. */
export async function blobsToUpload(db: FullGridDb, entries: readonly OutboxEntry[]): Promise<BlobEntry[]> {
  const keys = new Set<string>()
  for (const e of entries) photoIdsOf(e.fields, keys)
  if (!keys.size) return []
  const found = await db.blobs.bulkGet([...keys])
  return found.filter((b): b is BlobEntry => !!b && b.uploaded === 0 && b.data !== null)
}

export async function markBlobUploaded(db: FullGridDb, sha256: string): Promise<void> {
  await db.blobs.update(sha256, { uploaded: 1 })
}
