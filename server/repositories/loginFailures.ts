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
    /** Records an attempt (counted as failed until forgotten); prunes rows that left the window. */
    async record(a: Attempt, now: number, windowMs: number, tx: Queryable = db): Promise<string> {
      await tx.query('DELETE FROM login_failures WHERE (username = $1 OR address = $2) AND at <= $3::timestamptz', [
        a.username,
        a.address,
        iso(now - windowMs),
      ])
      const { rows } = await tx.query<{ id: string | number }>(
        'INSERT INTO login_failures (username, address, device_id, at) VALUES ($1, $2, $3, $4::timestamptz) RETURNING id',
        [a.username, a.address, a.deviceId, iso(now)],
      )
      return String(rows[0].id)
    },

    /** Attempts in the bucket within the window (before attempt `beforeId` when given). */
    async count(b: Bucket, since: number, beforeId: string | null = null, tx: Queryable = db): Promise<number> {
      const w = where(b)
      const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM login_failures WHERE ${w.sql}`, [
        iso(since),
        beforeId,
        ...w.params,
      ])
      return rows[0].n
    },

    /** Time of the `nth` most recent attempt in the bucket (1 = newest), or null. */
    async nthLatest(b: Bucket, since: number, nth: number, tx: Queryable = db): Promise<number | null> {
      const w = where(b)
      const { rows } = await tx.query<{ at: Date | string }>(
        `SELECT at FROM login_failures WHERE ${w.sql} ORDER BY at DESC OFFSET $${w.params.length + 3} LIMIT 1`,
        [iso(since), null, ...w.params, nth - 1],
      )
      return rows[0] ? new Date(rows[0].at).getTime() : null
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
