/**
 * The audit log: the one writer every administrative change and import goes through, so an
 * entry has the same shape wherever it is written. Takes the caller's transaction, so the entry
 * commits (or rolls back) together with the change it records.
 */
import type { Queryable } from '../db/adapter'

/** An administrative change, in words-ready detail (names beside ids), for the audit log. */
export async function audit(tx: Queryable, userId: string, action: string, detail: Record<string, unknown>): Promise<void> {
  await tx.query('INSERT INTO audit_log (user_id, action, detail) VALUES ($1::uuid, $2, $3::jsonb)', [userId, action, JSON.stringify(detail)])
}
