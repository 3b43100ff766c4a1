/**
 * Login throttling (DESIGN §5): after `perAccount` failures for one username, or `perAddress`
 * from one address, within `windowMs`, logins are answered 429 until the oldest of those
 * failures leaves the window. Failures live in `login_failures`, so the limit holds across
 * restarts and across several server processes on one database.
 */
import type { Queryable } from '../db/adapter'

export interface ThrottleLimits {
  perAccount: number
  perAddress: number
  windowMs: number
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60 * 1000 }

const iso = (ms: number) => new Date(ms).toISOString()

/** Seconds until this username and address may try again; 0 when they may try now. */
export async function retryAfterSeconds(
  db: Queryable,
  username: string,
  address: string,
  limits: ThrottleLimits,
  now: number,
): Promise<number> {
  const since = iso(now - limits.windowMs)
  // The limit-th most recent failure in the window: while it exists the limit is reached, and
  // it is the one whose leaving the window lets the next attempt through.
  const nth = (column: 'username' | 'address', value: string, limit: number) =>
    db.query<{ at: Date | string }>(
      `SELECT at FROM login_failures WHERE ${column} = $1 AND at > $2::timestamptz
       ORDER BY at DESC OFFSET $3 LIMIT 1`,
      [value, since, limit - 1],
    )
  const [byAccount, byAddress] = [await nth('username', username, limits.perAccount), await nth('address', address, limits.perAddress)]
  let until = 0
  for (const { rows } of [byAccount, byAddress]) {
    if (rows[0]) until = Math.max(until, new Date(rows[0].at).getTime() + limits.windowMs)
  }
  return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : 0
}

export async function recordFailure(db: Queryable, username: string, address: string, limits: ThrottleLimits, now: number) {
  // Rows that left the window no longer matter; prune this account's and address's on the way.
  const before = iso(now - limits.windowMs)
  await db.query('DELETE FROM login_failures WHERE (username = $1 OR address = $2) AND at <= $3::timestamptz', [
    username,
    address,
    before,
  ])
  await db.query('INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3::timestamptz)', [
    username,
    address,
    iso(now),
  ])
}

/** A successful login forgives the account's failures (the address keeps its count). */
export async function clearAccountFailures(db: Queryable, username: string) {
  await db.query('DELETE FROM login_failures WHERE username = $1', [username])
}
