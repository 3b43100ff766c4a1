/**
 * Low-level access to the `records` table. Merge rules live in server/sync; this file only knows
 * how a record is stored and where it belongs in scope.
 */
import type { AnyRecord, EntityName } from '../src/domain/entities'
import type { Queryable } from './db/adapter'

/** The grid a record is scoped by (null: visible to the whole community). */
export function gridIdOf(entity: EntityName, record: Record<string, unknown>): string | null {
  if (entity === 'grids') return record.id as string
  // A campaign is found by its community (its scope_key, 040_scope_feed.sql); who sees it is
  // decided by its targets' grids (server/sync/scope.ts).
  if (entity === 'campaigns') return typeof record.communityId === 'string' ? record.communityId : null
  if (typeof record.gridId === 'string') return record.gridId
  return null
}

/** The user a record belongs to, for "what they wrote" scope and track privacy. */
export function ownerIdOf(entity: EntityName, record: Record<string, unknown>): string | null {
  if (entity === 'users') return record.id as string
  for (const key of ['workerId', 'reportedBy', 'actorId'] as const) {
    if (typeof record[key] === 'string') return record[key] as string
  }
  return null
}

/**
 * Insert or overwrite whole records (seeding, admin tools): every field gets the record's HLC.
 * Not for client mutations, which merge field by field.
 */
export async function putWholeRecords(
  tx: Queryable,
  entity: EntityName,
  records: readonly AnyRecord[],
  scope: { gridId?: (r: AnyRecord) => string | null; ownerId?: (r: AnyRecord) => string | null } = {},
): Promise<void> {
  const BATCH = 500
  for (let i = 0; i < records.length; i += BATCH) {
    const batch = records.slice(i, i + BATCH)
    const params: unknown[] = []
    const values = batch.map((r) => {
      const fieldHlc: Record<string, string> = {}
      for (const k of Object.keys(r)) if (k !== 'id') fieldHlc[k] = r.hlc
      const rec = r as unknown as Record<string, unknown>
      params.push(
        entity,
        r.id,
        JSON.stringify(r),
        JSON.stringify(fieldHlc),
        r.hlc,
        r.deleted,
        scope.gridId ? scope.gridId(r) : gridIdOf(entity, rec),
        scope.ownerId ? scope.ownerId(r) : ownerIdOf(entity, rec),
      )
      const n = params.length
      return `($${n - 7}, $${n - 6}, $${n - 5}::jsonb, $${n - 4}::jsonb, $${n - 3}, $${n - 2}, $${n - 1}::uuid, $${n}::uuid, nextval('records_seq'))`
    })
    await tx.query(
      `INSERT INTO records (entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id, seq)
       VALUES ${values.join(', ')}
       ON CONFLICT (entity, id) DO UPDATE SET data = EXCLUDED.data, field_hlc = EXCLUDED.field_hlc,
         hlc = EXCLUDED.hlc, deleted = EXCLUDED.deleted, grid_id = EXCLUDED.grid_id,
         owner_id = EXCLUDED.owner_id, txid = pg_current_xact_id(), seq = EXCLUDED.seq`,
      params,
    )
  }
}
