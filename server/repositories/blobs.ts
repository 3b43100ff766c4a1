/**
 * Photo metadata (the bytes are files, server/sync/blobStore.ts): which photos the server has,
 * who uploaded them, how much a user uploaded lately (quota), and which records name a photo
 * (who may read it). Methods take an optional transaction.
 */
import type { EntityName } from '../../src/domain/entities'
import type { Database, Queryable } from '../db/adapter'

export interface BlobMeta {
  sha256: string
  contentType: string
  size: number
  createdBy: string | null
  /** Bytes still in the database (stored before migration 006, not yet moved to a file). */
  legacyBytes: Uint8Array | null
}

/** A live record naming a photo, with what scope checks need. */
export interface NamingRecord {
  entity: EntityName
  id: string
  gridId: string | null
  ownerId: string | null
  data: Record<string, unknown>
}

export function createBlobRepository(db: Database) {
  return {
    async find(sha256: string, opts: { withBytes?: boolean } = {}, tx: Queryable = db): Promise<BlobMeta | null> {
      const { rows } = await tx.query<{ content_type: string; size: number; created_by: string | null; bytes: Uint8Array | null }>(
        `SELECT content_type, size, created_by::text AS created_by, ${opts.withBytes ? 'bytes' : 'NULL::bytea AS bytes'}
           FROM blobs WHERE sha256 = $1`,
        [sha256],
      )
      const r = rows[0]
      return r ? { sha256, contentType: r.content_type, size: r.size, createdBy: r.created_by, legacyBytes: r.bytes } : null
    },

    /** Notes a stored photo; false when it was known already (the first uploader stays). */
    async insert(b: { sha256: string; contentType: string; size: number; createdBy: string; at: number }, tx: Queryable = db): Promise<boolean> {
      const { rows } = await tx.query(
        `INSERT INTO blobs (sha256, content_type, size, bytes, created_by, created_at)
         VALUES ($1, $2, $3, NULL, $4::uuid, $5::timestamptz)
         ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
        [b.sha256, b.contentType, b.size, b.createdBy, new Date(b.at).toISOString()],
      )
      return rows.length > 0
    },

    /** Bytes of photos this user stored since `since` (ms). */
    async uploadedSince(userId: string, since: number, tx: Queryable = db): Promise<number> {
      const { rows } = await tx.query<{ total: number | string | null }>(
        'SELECT coalesce(sum(size), 0)::bigint AS total FROM blobs WHERE created_by = $1::uuid AND created_at > $2::timestamptz',
        [userId, new Date(since).toISOString()],
      )
      return Number(rows[0].total ?? 0)
    },

    /** Live records naming the photo (index records_photo_ids, migration 006). */
    async namingRecords(sha256: string, tx: Queryable = db): Promise<NamingRecord[]> {
      const { rows } = await tx.query<{ entity: EntityName; id: string; grid_id: string | null; owner_id: string | null; data: unknown }>(
        `SELECT entity, id::text AS id, grid_id::text AS grid_id, owner_id::text AS owner_id, data FROM records
          WHERE entity IN ('visits', 'issues', 'patrols', 'issueEvents')
            AND record_photo_ids(entity, data) @> ARRAY[$1::text] AND NOT deleted`,
        [sha256],
      )
      return rows.map((r) => ({
        entity: r.entity,
        id: r.id,
        gridId: r.grid_id,
        ownerId: r.owner_id,
        data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
      }))
    },

    /** A few photos whose bytes are still in the database (to move them to files at start-up). */
    async legacy(limit: number, tx: Queryable = db): Promise<{ sha256: string; bytes: Uint8Array }[]> {
      const { rows } = await tx.query<{ sha256: string; bytes: Uint8Array }>(
        'SELECT sha256, bytes FROM blobs WHERE bytes IS NOT NULL ORDER BY sha256 LIMIT $1',
        [limit],
      )
      return rows
    },

    async dropLegacyBytes(sha256: string, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE blobs SET bytes = NULL WHERE sha256 = $1', [sha256])
    },
  }
}

export type BlobRepository = ReturnType<typeof createBlobRepository>
