/** Photos and other blobs, keyed by SHA-256: which ones a push must upload first. */
import type { OutboxEntry } from '../domain/sync'
import type { BlobEntry, FullGridDb } from './schema'

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
