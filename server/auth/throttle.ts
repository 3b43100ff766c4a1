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

/** Records a failure (or an attempt not yet judged, see reserveAttempt); returns its row id. */
export async function recordFailure(db: Queryable, username: string, address: string, limits: ThrottleLimits, now: number): Promise<string> {
  // Rows that left the window no longer matter; prune this account's and address's on the way.
  const before = iso(now - limits.windowMs)
  await db.query('DELETE FROM login_failures WHERE (username = $1 OR address = $2) AND at <= $3::timestamptz', [
    username,
    address,
    before,
  ])
  const { rows } = await db.query<{ id: string | number }>(
    'INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3::timestamptz) RETURNING id',
    [username, address, iso(now)],
  )
  return String(rows[0].id)
}

/**
 * Counts a login attempt as a failure *before* its (slow) password check, so attempts made in
 * parallel see each other: checking first and recording after the check would let a burst of
 * simultaneous guesses all pass the check. Returns the attempt's row id, or null when the
 * attempts recorded before it already reach a limit (the attempt is then not counted).
 * A right password must `forgetAttempt` the row.
 */
export async function reserveAttempt(
  db: Queryable,
  username: string,
  address: string,
  limits: ThrottleLimits,
  now: number,
): Promise<string | null> {
  const id = await recordFailure(db, username, address, limits, now)
  const { rows } = await db.query<{ by_account: number; by_address: number }>(
    `SELECT count(*) FILTER (WHERE username = $1)::int AS by_account, count(*) FILTER (WHERE address = $2)::int AS by_address
       FROM login_failures WHERE (username = $1 OR address = $2) AND at > $3::timestamptz AND id < $4::bigint`,
    [username, address, iso(now - limits.windowMs), id],
  )
  if (rows[0].by_account >= limits.perAccount || rows[0].by_address >= limits.perAddress) {
    await forgetAttempt(db, id)
    return null
  }
  return id
}

export async function forgetAttempt(db: Queryable, id: string) {
  await db.query('DELETE FROM login_failures WHERE id = $1::bigint', [id])
}

/** A successful login forgives the account's failures (the address keeps its count). */
export async function clearAccountFailures(db: Queryable, username: string) {
  await db.query('DELETE FROM login_failures WHERE username = $1', [username])
}
