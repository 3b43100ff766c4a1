/**
 * Failed (and not yet judged) login attempts, the store behind login throttling
 * (server/auth/throttle.ts decides the limits). Rows live in `login_failures`, so limits hold
 * across restarts and across several server processes on one database.
 *
 * A bucket is a set of attempts counted together: by account and address, by address, by
 * account, or by a known device of an account. Attempts from a known device carry its id and are
 * counted only in that device's bucket; all others have `device_id` NULL.
 */
import type { Database, Queryable } from '../db/adapter'

export interface Bucket {
  username?: string
  address?: string
  /** A known device: only its own attempts. Absent: only attempts from unknown devices. */
  deviceId?: string
}

export interface Attempt {
  username: string
  address: string
  deviceId: string | null
}

const iso = (ms: number) => new Date(ms).toISOString()

/** `WHERE` of a bucket; parameters from $3 on ($1 window start, $2 id bound or null). */
function where(b: Bucket): { sql: string; params: unknown[] } {
  const parts = ['at > $1::timestamptz', '($2::bigint IS NULL OR id < $2::bigint)']
  const params: unknown[] = []
  const add = (column: string, value: string) => {
    params.push(value)
    parts.push(`${column} = $${params.length + 2}`)
  }
  if (b.username !== undefined) add('username', b.username)
  if (b.address !== undefined) add('address', b.address)
  if (b.deviceId !== undefined) add('device_id', b.deviceId)
  else parts.push('device_id IS NULL')
  return { sql: parts.join(' AND '), params }
}

export function createLoginFailureRepository(db: Database) {
  return {
    /**
     * Records an attempt, pending for `pendingMs` (0: a failure at once) — counted in its buckets
     * until forgotten; prunes rows that left the window.
     */
    async record(a: Attempt, now: number, windowMs: number, pendingMs = 0, tx: Queryable = db): Promise<string> {
      await tx.query('DELETE FROM login_failures WHERE (username = $1 OR address = $2) AND at <= $3::timestamptz', [
        a.username,
        a.address,
        iso(now - windowMs),
      ])
      const { rows } = await tx.query<{ id: string | number }>(
        `INSERT INTO login_failures (username, address, device_id, at, pending_until)
         VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz) RETURNING id`,
        [a.username, a.address, a.deviceId, iso(now), pendingMs > 0 ? iso(now + pendingMs) : null],
      )
      return String(rows[0].id)
    },

    /**
     * Attempts in the bucket within the window (before attempt `beforeId` when given), and how
     * many of them are still pending at `now` (their password check has not answered yet).
     */
    async count(b: Bucket, since: number, beforeId: string | null, now: number, tx: Queryable = db): Promise<{ total: number; pending: number }> {
      const w = where(b)
      const { rows } = await tx.query<{ n: number; pending: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE pending_until > $${w.params.length + 3}::timestamptz)::int AS pending
           FROM login_failures WHERE ${w.sql}`,
        [iso(since), beforeId, ...w.params, iso(now)],
      )
      return { total: rows[0].n, pending: rows[0].pending }
    },

    /** Time of the `nth` most recent failure in the bucket (1 = newest), or null; pending attempts are no failures yet. */
    async nthLatest(b: Bucket, since: number, nth: number, now: number, tx: Queryable = db): Promise<number | null> {
      const w = where(b)
      const n = w.params.length + 3
      const { rows } = await tx.query<{ at: Date | string }>(
        `SELECT at FROM login_failures WHERE ${w.sql} AND (pending_until IS NULL OR pending_until <= $${n + 1}::timestamptz)
          ORDER BY at DESC OFFSET $${n} LIMIT 1`,
        [iso(since), null, ...w.params, nth - 1, iso(now)],
      )
      return rows[0] ? new Date(rows[0].at).getTime() : null
    },

    /** The attempt is still waiting for its turn: pending until `until`. */
    async extend(id: string, until: number, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE login_failures SET pending_until = $2::timestamptz WHERE id = $1::bigint AND pending_until IS NOT NULL', [id, iso(until)])
    },

    /** The password was wrong: the attempt is a failure from now on. */
    async settle(id: string, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE login_failures SET pending_until = NULL WHERE id = $1::bigint', [id])
    },

    async forget(id: string, tx: Queryable = db): Promise<void> {
      await tx.query('DELETE FROM login_failures WHERE id = $1::bigint', [id])
    },

    /** A right password forgives the failures of the account (the address keeps its count). */
    async forgiveAccount(username: string, tx: Queryable = db): Promise<void> {
      await tx.query('DELETE FROM login_failures WHERE username = $1', [username])
    },
  }
}

export type LoginFailureRepository = ReturnType<typeof createLoginFailureRepository>
