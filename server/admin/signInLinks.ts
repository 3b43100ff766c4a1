/**
 * 扫码登录 links (issue 18): the console shows a QR code of `${origin}/link#t=${token}` for one
 * person; the phone that opens it sets the password and is signed in. Only the token's hash is
 * stored; a link is good for 24 hours and one use, and the console can revoke it. The token sits
 * in the URL's fragment, so it never reaches a server log or a Referer header.
 */
import type { Queryable } from '../db/adapter'
import { SIGN_IN_LINK_TTL_MS, signInLinkState, type SignInLinkState } from '../../src/domain/administration'
import { uuidv7 } from '../../src/domain/ids'
import { hashToken, newToken } from '../auth/tokens'

export interface SignInLinkRow {
  id: string
  userId: string
  createdBy: string
  createdAt: number
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
}

const iso = (ms: number) => new Date(ms).toISOString()
const ms = (d: Date | string | null) => (d === null ? null : new Date(d).getTime())

interface Row {
  id: string
  user_id: string
  created_by: string
  created_at: Date
  expires_at: Date
  used_at: Date | null
  revoked_at: Date | null
}

const rowOf = (r: Row): SignInLinkRow => ({
  id: r.id, userId: r.user_id, createdBy: r.created_by, createdAt: ms(r.created_at)!, expiresAt: ms(r.expires_at)!,
  usedAt: ms(r.used_at), revokedAt: ms(r.revoked_at),
})

export async function createSignInLink(tx: Queryable, userId: string, by: string, now: number): Promise<{ link: SignInLinkRow; token: string }> {
  const token = newToken()
  const id = uuidv7(now)
  const { rows } = await tx.query<Row>(
    `INSERT INTO sign_in_links (id, user_id, token_hash, created_by, created_at, expires_at)
     VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5::timestamptz, $6::timestamptz)
     RETURNING id::text, user_id::text, created_by::text, created_at, expires_at, used_at, revoked_at`,
    [id, userId, hashToken(token), by, iso(now), iso(now + SIGN_IN_LINK_TTL_MS)],
  )
  return { link: rowOf(rows[0]), token }
}

export async function listSignInLinks(tx: Queryable, userId: string): Promise<SignInLinkRow[]> {
  const { rows } = await tx.query<Row>(
    `SELECT id::text, user_id::text, created_by::text, created_at, expires_at, used_at, revoked_at
       FROM sign_in_links WHERE user_id = $1::uuid ORDER BY created_at DESC LIMIT 50`,
    [userId],
  )
  return rows.map(rowOf)
}

export async function findSignInLink(tx: Queryable, id: string): Promise<SignInLinkRow | null> {
  const { rows } = await tx.query<Row>(
    `SELECT id::text, user_id::text, created_by::text, created_at, expires_at, used_at, revoked_at FROM sign_in_links WHERE id = $1::uuid`,
    [id],
  )
  return rows[0] ? rowOf(rows[0]) : null
}

export async function revokeSignInLink(tx: Queryable, id: string, by: string, now: number): Promise<void> {
  await tx.query(`UPDATE sign_in_links SET revoked_at = $2::timestamptz, revoked_by = $3::uuid WHERE id = $1::uuid AND revoked_at IS NULL`, [id, iso(now), by])
}

/**
 * Takes the link of `token` for `deviceId`, once: the row is locked, so two phones opening the
 * same link at once cannot both get in. Answers the link or why it cannot be used.
 */
export async function consumeSignInLink(
  tx: Queryable,
  token: string,
  deviceId: string,
  now: number,
): Promise<{ link: SignInLinkRow; state: SignInLinkState } | null> {
  const { rows } = await tx.query<Row>(
    `SELECT id::text, user_id::text, created_by::text, created_at, expires_at, used_at, revoked_at
       FROM sign_in_links WHERE token_hash = $1 FOR UPDATE`,
    [hashToken(token)],
  )
  if (!rows[0]) return null
  const link = rowOf(rows[0])
  const state = signInLinkState(link, now)
  if (state === 'valid') {
    await tx.query(`UPDATE sign_in_links SET used_at = $2::timestamptz, used_device = $3 WHERE id = $1::uuid`, [link.id, iso(now), deviceId])
  }
  return { link, state }
}
