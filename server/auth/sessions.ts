/**
 * Sessions, devices and the user's profile as the auth code reads them. The profile (name, role,
 * gridIds) is the synced `users` record; `credentials` only maps a username to it.
 */
import type { Queryable } from '../db/adapter'
import type { SessionUser } from '../../src/domain/auth'
import { userSchema, type User } from '../../src/domain/entities'

/** The live `users` record of a user, or null when it is missing, deleted or malformed. */
export async function loadProfile(db: Queryable, userId: string): Promise<User | null> {
  const { rows } = await db.query<{ data: unknown; deleted: boolean }>(
    `SELECT data, deleted FROM records WHERE entity = 'users' AND id = $1::uuid`,
    [userId],
  )
  if (!rows[0] || rows[0].deleted) return null
  const parsed = userSchema.safeParse(rows[0].data)
  return parsed.success ? parsed.data : null
}

export function sessionUserOf(user: User): SessionUser {
  return { id: user.id, name: user.name, role: user.role, gridIds: user.gridIds }
}

export interface SessionRow {
  user_id: string
  device_id: string
  expires_at: Date
  revoked_at: Date | null
  device_revoked_at: Date | null
  device_name: string | null
  last_seen: Date | null
  username: string
  disabled: boolean
  profile: unknown
  profile_deleted: boolean | null
}

/** Everything `authenticate` needs about a token, in one round trip. */
export async function findSession(db: Queryable, tokenHash: string): Promise<SessionRow | null> {
  const { rows } = await db.query<SessionRow>(
    `SELECT s.user_id, s.device_id, s.expires_at, s.revoked_at,
            d.revoked_at AS device_revoked_at, d.name AS device_name, d.last_seen,
            c.username, c.disabled, r.data AS profile, r.deleted AS profile_deleted
       FROM sessions s
       JOIN credentials c ON c.user_id = s.user_id
       LEFT JOIN devices d ON d.id = s.device_id AND d.user_id = s.user_id
       LEFT JOIN records r ON r.entity = 'users' AND r.id = s.user_id
      WHERE s.token_hash = $1`,
    [tokenHash],
  )
  return rows[0] ?? null
}

export async function createSession(
  tx: Queryable,
  s: { tokenHash: string; userId: string; deviceId: string; deviceName: string | null; now: number; expiresAt: number },
): Promise<void> {
  const now = new Date(s.now).toISOString()
  await tx.query(
    `INSERT INTO devices (id, user_id, name, first_seen, last_seen) VALUES ($1, $2::uuid, $3, $4::timestamptz, $4::timestamptz)
     ON CONFLICT (id, user_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, devices.name), last_seen = EXCLUDED.last_seen`,
    [s.deviceId, s.userId, s.deviceName, now],
  )
  await tx.query(
    `INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
     VALUES ($1, $2::uuid, $3, $4::timestamptz, $5::timestamptz)`,
    [s.tokenHash, s.userId, s.deviceId, now, new Date(s.expiresAt).toISOString()],
  )
}

export async function isDeviceRevoked(db: Queryable, deviceId: string, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ revoked_at: Date | null }>(
    'SELECT revoked_at FROM devices WHERE id = $1 AND user_id = $2::uuid',
    [deviceId, userId],
  )
  return rows[0]?.revoked_at != null
}

export async function revokeSession(db: Queryable, tokenHash: string, now: number): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2::timestamptz WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
    new Date(now).toISOString(),
  ])
}
