/**
 * Uploads the photos a batch of mutations names, before the batch itself: the server must never
 * hold a record that points at a blob it does not have. PUT is idempotent (keyed by SHA-256), so
 * a retry after a lost answer is harmless.
 */
import { blobsToUpload, markBlobUploaded, photoBlob, photoIdsOf } from '../db/sync'
import type { OutboxEntry } from '../domain/sync'
import type { SyncContext } from './context'
import { RequestRefusedError } from './errors'
import { apiRequest } from './request'

/** Returns the blobs the server refused (too big, hash mismatch), with its reason. */
export async function uploadBlobs(ctx: SyncContext, entries: readonly OutboxEntry[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>()
  for (const blob of await blobsToUpload(ctx.db, entries)) {
    try {
      await apiRequest(ctx, { method: 'PUT', path: `/api/blobs/${blob.sha256}`, blob: photoBlob(blob)! })
      await markBlobUploaded(ctx.db, blob.sha256)
    } catch (err) {
      // Only a refusal of this one blob is set aside; network, 5xx and 401 stop the whole push.
      if (!(err instanceof RequestRefusedError)) throw err
      refused.set(blob.sha256, err.message)
    }
  }
  return refused
}

/** The first refused blob a mutation names, if any. */
export function refusedBlobOf(entry: OutboxEntry, refused: ReadonlyMap<string, string>): string | undefined {
  if (!refused.size) return undefined
  for (const sha of photoIdsOf(entry.fields)) if (refused.has(sha)) return `photo ${sha.slice(0, 8)}: ${refused.get(sha)}`
  return undefined
}
