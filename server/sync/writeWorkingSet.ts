/**
 * Write back what a push changed, in three statements whatever the batch size, inside the
 * transaction that read it: new rows inserted, changed rows updated, applied mutation ids
 * recorded with their content hash. Every written row gets this transaction's id and a fresh
 * sequence number, its position in the change feed that pull reads (see 001_core.sql).
 *
 * New rows use a plain INSERT (no ON CONFLICT): if another process created the same record in
 * the meantime the statement fails, the batch rolls back, and the caller retries it, this time
 * merging with the other process's row instead of overwriting it.
 */
import type { Queryable } from '../db/adapter'
import type { WorkingRow, WorkingSet } from './workingSet'

export async function writeWorkingSet(tx: Queryable, ws: WorkingSet, who: { userId: string; deviceId: string }): Promise<void> {
  const dirty = [...ws.rows.values()].filter((r) => r.dirty)
  const inserts = dirty.filter((r) => !r.stored)
  const updates = dirty.filter((r) => r.stored)

  if (inserts.length) {
    await tx.query(
      `INSERT INTO records (entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id, txid, seq)
       SELECT v.entity, v.id, v.data::jsonb, v.field_hlc::jsonb, v.hlc, v.deleted, v.grid_id, v.owner_id,
              pg_current_xact_id(), nextval('records_seq')
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::uuid[], $8::uuid[])
           WITH ORDINALITY AS v(entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id, n)
        ORDER BY v.n`,
      columns(inserts),
    )
  }
  if (updates.length) {
    await tx.query(
      `UPDATE records r
          SET data = v.data::jsonb, field_hlc = v.field_hlc::jsonb, hlc = v.hlc, deleted = v.deleted,
              grid_id = v.grid_id, owner_id = v.owner_id, txid = pg_current_xact_id(), seq = nextval('records_seq')
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::uuid[], $8::uuid[])
           AS v(entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id)
        WHERE r.entity = v.entity AND r.id = v.id`,
      columns(updates),
    )
  }
  if (ws.applied.length) {
    await tx.query(
      `INSERT INTO mutations (id, device_id, user_id, entity, record_id, fields_hash)
       SELECT id, $2, $3, entity, record_id, fields_hash
         FROM unnest($1::uuid[], $4::text[], $5::uuid[], $6::text[]) AS v(id, entity, record_id, fields_hash)`,
      [
        ws.applied.map((m) => m.id),
        who.deviceId,
        who.userId,
        ws.applied.map((m) => m.entity),
        ws.applied.map((m) => m.recordId),
        ws.applied.map((m) => ws.seen.get(m.id.toLowerCase())?.fieldsHash ?? null),
      ],
    )
  }
}

function columns(rows: readonly WorkingRow[]): unknown[] {
  return [
    rows.map((r) => r.entity),
    rows.map((r) => r.id),
    rows.map((r) => JSON.stringify(r.data)),
    rows.map((r) => JSON.stringify(r.fieldHlc)),
    rows.map((r) => String(r.data.hlc)),
    rows.map((r) => r.data.deleted === true),
    rows.map((r) => r.gridId),
    rows.map((r) => r.ownerId),
  ]
}
