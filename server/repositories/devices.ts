/**
 * Devices and sessions: all their SQL in one place (DESIGN §5 "Auth"). Who may list or revoke
 * which device is decided by the routes (server/devices.ts); this module only stores and reads.
 *
 * Every method takes an optional transaction as its last argument (fastify/demo's repositories),
 * so a route composes several steps atomically; without one it runs on the database itself.
 */
import { randomBytes } from 'node:crypto'
import type { Database, Queryable } from '../db/adapter'

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

export interface DeviceListItem {
  id: string
  userId: string
  username: string | null
  userName: string | null
  name: string | null
  firstSeen: number
  lastSeen: number
  revoked: boolean
  revokedAt: number | null
}

export interface NewSession {
  tokenHash: string
  userId: string
  deviceId: string
  deviceName: string | null
  now: number
  expiresAt: number
}

interface DeviceRow {
  id: string
  user_id: string
  username: string | null
  user_name: string | null
  name: string | null
  first_seen: Date
  last_seen: Date
  revoked_at: Date | null
}

const iso = (ms: number) => new Date(ms).toISOString()
const ms = (d: Date | string | null) => (d == null ? null : new Date(d).getTime())

export function createDeviceRepository(db: Database) {
  return {
    /** Devices, most recently seen first; `userIds` narrows them to those users' devices. */
    async list(filter: { userIds?: readonly string[] | null } = {}, tx: Queryable = db): Promise<DeviceListItem[]> {
      const { rows } = await tx.query<DeviceRow>(
        `SELECT d.id, d.user_id, c.username, r.data->>'name' AS user_name, d.name,
                d.first_seen, d.last_seen, d.revoked_at
           FROM devices d
           LEFT JOIN credentials c ON c.user_id = d.user_id
           LEFT JOIN records r ON r.entity = 'users' AND r.id = d.user_id
          WHERE $1::uuid[] IS NULL OR d.user_id = ANY($1::uuid[])
          ORDER BY d.last_seen DESC`,
        [filter.userIds ? [...filter.userIds] : null],
      )
      return rows.map((d) => ({
        id: d.id,
        userId: d.user_id,
        username: d.username,
        userName: d.user_name,
        name: d.name,
        firstSeen: ms(d.first_seen)!,
        lastSeen: ms(d.last_seen)!,
        revoked: d.revoked_at != null,
        revokedAt: ms(d.revoked_at),
      }))
    },

    /** The users a device id has served (one phone may have been handed from one user to another). */
    async usersOf(deviceId: string, tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ user_id: string }>('SELECT user_id::text AS user_id FROM devices WHERE id = $1', [deviceId])
      return rows.map((r) => r.user_id)
    },

    /**
     * Switches a device off for `userIds` (all its users when null): marks it, revokes its sessions
     * and writes the audit log, in one transaction. Null when no such device.
     */
    async revoke(
      r: { deviceId: string; userIds: readonly string[] | null; by: string; at: number },
      tx?: Queryable,
    ): Promise<{ userIds: string[]; sessions: number } | null> {
      const run = async (q: Queryable) => {
        const at = iso(r.at)
        const users = r.userIds ? [...r.userIds] : null
        const { rows } = await q.query<{ user_id: string }>(
          `UPDATE devices SET revoked_at = COALESCE(revoked_at, $3::timestamptz), revoked_by = COALESCE(revoked_by, $4::uuid)
            WHERE id = $1 AND ($2::uuid[] IS NULL OR user_id = ANY($2::uuid[]))
            RETURNING user_id::text AS user_id`,
          [r.deviceId, users, at, r.by],
        )
        if (rows.length === 0) return null
        const { rows: sessions } = await q.query(
          `UPDATE sessions SET revoked_at = $3::timestamptz
            WHERE device_id = $1 AND ($2::uuid[] IS NULL OR user_id = ANY($2::uuid[])) AND revoked_at IS NULL
            RETURNING token_hash`,
          [r.deviceId, users, at],
        )
        const userIds = rows.map((row) => row.user_id)
        await q.query(`INSERT INTO audit_log (at, user_id, action, detail) VALUES ($1::timestamptz, $2::uuid, 'device.revoke', $3::jsonb)`, [
          at,
          r.by,
          JSON.stringify({ deviceId: r.deviceId, userIds, sessions: sessions.length }),
        ])
        return { userIds, sessions: sessions.length }
      }
      return tx ? run(tx) : db.transaction(run)
    },

    async isRevoked(deviceId: string, userId: string, tx: Queryable = db): Promise<boolean> {
      const { rows } = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM devices WHERE id = $1 AND user_id = $2::uuid', [
        deviceId,
        userId,
      ])
      return rows[0]?.revoked_at != null
    },

    /**
     * Has this device logged in to this account before (and is it still switched on)? Login
     * throttling gives such a device its own allowance.
     */
    async isKnown(username: string, deviceId: string, tx: Queryable = db): Promise<boolean> {
      const { rows } = await tx.query(
        `SELECT 1 FROM devices d JOIN credentials c ON c.user_id = d.user_id
          WHERE c.username = $1 AND d.id = $2 AND d.revoked_at IS NULL`,
        [username, deviceId],
      )
      return rows.length > 0
    },

    /** Everything `authenticate` needs about a token, in one round trip. */
    async findSession(tokenHash: string, tx: Queryable = db): Promise<SessionRow | null> {
      const { rows } = await tx.query<SessionRow>(
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
    },

    /**
     * Notes the device of a session and the session itself (login). Returns the device's
     * recovery secret (issue 19), made at its first login: only callers that checked the
     * password pass it on.
     */
    async createSession(s: NewSession, tx: Queryable = db): Promise<Uint8Array> {
      const now = iso(s.now)
      const { rows } = await tx.query<{ recovery_key: Uint8Array }>(
        `INSERT INTO devices (id, user_id, name, first_seen, last_seen, recovery_key) VALUES ($1, $2::uuid, $3, $4::timestamptz, $4::timestamptz, $5)
         ON CONFLICT (id, user_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, devices.name), last_seen = EXCLUDED.last_seen,
           recovery_key = COALESCE(devices.recovery_key, EXCLUDED.recovery_key)
         RETURNING recovery_key`,
        [s.deviceId, s.userId, s.deviceName, now, randomBytes(32)],
      )
      await tx.query(
        `INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
         VALUES ($1, $2::uuid, $3, $4::timestamptz, $5::timestamptz)`,
        [s.tokenHash, s.userId, s.deviceId, now, iso(s.expiresAt)],
      )
      return new Uint8Array(rows[0]!.recovery_key)
    },

    async touch(deviceId: string, userId: string, at: number, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE devices SET last_seen = $3::timestamptz WHERE id = $1 AND user_id = $2::uuid', [deviceId, userId, iso(at)])
    },

    /** Expiry of a session and the name of its device (`/api/me`). */
    async sessionInfo(tokenHash: string, tx: Queryable = db): Promise<{ expiresAt: number; deviceName: string | null } | null> {
      const { rows } = await tx.query<{ expires_at: Date; name: string | null }>(
        `SELECT s.expires_at, d.name FROM sessions s
           LEFT JOIN devices d ON d.id = s.device_id AND d.user_id = s.user_id
          WHERE s.token_hash = $1`,
        [tokenHash],
      )
      return rows[0] ? { expiresAt: ms(rows[0].expires_at)!, deviceName: rows[0].name } : null
    },

    async revokeSession(tokenHash: string, at: number, tx: Queryable = db): Promise<void> {
      await tx.query('UPDATE sessions SET revoked_at = $2::timestamptz WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, iso(at)])
    },
  }
}

export type DeviceRepository = ReturnType<typeof createDeviceRepository>
