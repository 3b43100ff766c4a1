/**
 * Photos named by records (DESIGN §4 "Blobs"): a device uploads a record's photos before the
 * mutation that names them, so a mutation naming a photo the server does not have is rejected
 * (`missing_blob`) — the phone keeps it and sends it again after the upload.
 *
 * Only photos a mutation *adds* are checked: a record that already named a photo the server lost
 * can still have its other fields edited. photoIdsOf mirrors the SQL function record_photo_ids
 * (migration 006), which finds the records naming a photo when it is downloaded.
 */
import type { EntityName } from '../../src/domain/entities'
import type { Mutation, PushResult } from '../../src/domain/sync'
import type { Queryable } from '../db/adapter'

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** The photo ids a record's data names. */
export function photoIdsOf(entity: EntityName, data: Record<string, unknown> | null | undefined): string[] {
  if (!data) return []
  switch (entity) {
    case 'visits':
    case 'issues':
      return strings(data.photoIds)
    case 'patrols':
      return Array.isArray(data.answers) ? data.answers.flatMap((a) => strings((a as { photoIds?: unknown } | null)?.photoIds)) : []
    case 'issueEvents':
      return strings((data.data as { photoIds?: unknown } | null | undefined)?.photoIds)
    default:
      return []
  }
}

/** Every photo id the mutations of a batch name (to look up in one query). */
export function photoIdsOfBatch(mutations: readonly Mutation[]): string[] {
  const ids = new Set<string>()
  for (const m of mutations) for (const id of photoIdsOf(m.entity, m.fields)) ids.add(id)
  return [...ids]
}

/** Which photos named by the batch the server has (loadWorkingSet's last step). */
export async function loadKnownBlobs(tx: Queryable, mutations: readonly Mutation[]): Promise<Set<string>> {
  const ids = photoIdsOfBatch(mutations)
  if (ids.length === 0) return new Set()
  const { rows } = await tx.query<{ sha256: string }>('SELECT sha256 FROM blobs WHERE sha256 = ANY($1::text[])', [ids])
  return new Set(rows.map((r) => r.sha256))
}

/**
 * The judge's check at its reference step: the first photo this mutation adds that the server
 * does not have, as a rejection; null when every added photo is there.
 */
export function checkBlobs(
  known: ReadonlySet<string>,
  m: Mutation,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): PushResult | null {
  const had = new Set(photoIdsOf(m.entity, before))
  const missing = photoIdsOf(m.entity, after).find((id) => !had.has(id) && !known.has(id))
  if (!missing) return null
  return {
    mutationId: m.id,
    status: 'rejected',
    code: 'missing_blob',
    params: { photoId: missing },
    reason: `photo ${missing} has not been uploaded to the server; upload it before the record that names it`,
  }
}
