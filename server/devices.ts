/**
 * Devices (DESIGN §5, §7): a supervisor switches off a lost or handed-over phone. Revocation
 * marks the device, revokes its sessions at once (its next request answers 401 device_revoked)
 * and is written to the audit log.
 *
 * Who: an admin every device; a supervisor the devices of the users in their scope — the users
 * records they can see (server/sync/scope.ts): themselves and the people of their community's
 * grids. A device of anyone else is not listed, and revoking it answers 404 as if it did not exist.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { deviceIdSchema } from '../src/domain/sync'
import { idSchema } from '../src/domain/entities'
import { deviceListSchema } from '../src/domain/devices'
import { notFound } from './errors'
import { loadScope, scopeParams, scopePlaceholders, visibleSql } from './sync/scope'
import type { AuthContext } from './types'

export interface DevicesOptions {
  now?: () => number
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

const ms = (d: Date | string | null) => (d == null ? null : new Date(d).getTime())

/**
 * The users whose devices `auth` manages, as a SQL condition on `user_id` starting at parameter
 * `first`, and its parameters; none for an admin.
 */
async function managedUsers(app: { db: Parameters<typeof loadScope>[0] }, auth: AuthContext, first: number): Promise<{ sql: string; params: unknown[] }> {
  const scope = await loadScope(app.db, auth)
  if (scope.all) return { sql: 'true', params: [] }
  const sql = `d.user_id IN (SELECT u.id FROM records u WHERE u.entity = 'users' AND ${visibleSql('u', 'u.data', scopePlaceholders(first))})`
  return { sql, params: scopeParams(scope) }
}

const devicesRoutes: FastifyPluginAsync<DevicesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const supervisors = [app.authenticate, app.requireRole('supervisor', 'admin')]

  app.get(
    '/api/devices',
    { preHandler: supervisors, schema: { response: { 200: deviceListSchema } } },
    async (request) => {
      const managed = await managedUsers(app, request.auth!, 1)
      const { rows } = await app.db.query<DeviceRow>(
        `SELECT d.id, d.user_id, c.username, r.data->>'name' AS user_name, d.name,
                d.first_seen, d.last_seen, d.revoked_at
           FROM devices d
           LEFT JOIN credentials c ON c.user_id = d.user_id
           LEFT JOIN records r ON r.entity = 'users' AND r.id = d.user_id
          WHERE ${managed.sql}
          ORDER BY d.last_seen DESC`,
        managed.params,
      )
      return {
        devices: rows.map((d) => ({
          id: d.id,
          userId: d.user_id,
          username: d.username,
          userName: d.user_name,
          name: d.name,
          firstSeen: ms(d.first_seen)!,
          lastSeen: ms(d.last_seen)!,
          revoked: d.revoked_at != null,
          revokedAt: ms(d.revoked_at),
        })),
      }
    },
  )

  app.post(
    '/api/devices/:deviceId/revoke',
    {
      preHandler: supervisors,
      schema: {
        params: z.object({ deviceId: deviceIdSchema }),
        // One phone may have served several users; `userId` narrows the revocation to one of them.
        body: z.object({ userId: idSchema.optional() }).optional().nullable(),
      },
    },
    async (request) => {
      const { deviceId } = request.params
      const userId = request.body?.userId ?? null
      const by = request.auth!.userId
      const at = new Date(now()).toISOString()
      const managed = await managedUsers(app, request.auth!, 5)
      const revoked = await app.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ user_id: string }>(
          `UPDATE devices d SET revoked_at = COALESCE(revoked_at, $3::timestamptz), revoked_by = COALESCE(revoked_by, $4::uuid)
            WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid) AND ${managed.sql}
            RETURNING user_id`,
          [deviceId, userId, at, by, ...managed.params],
        )
        if (rows.length === 0) return null
        // Only the sessions of the users whose device was revoked just now (a shared phone keeps the others).
        const { rows: sessions } = await tx.query(
          `UPDATE sessions SET revoked_at = $3::timestamptz
            WHERE device_id = $1 AND user_id = ANY($2::uuid[]) AND revoked_at IS NULL
            RETURNING token_hash`,
          [deviceId, rows.map((r) => r.user_id), at],
        )
        await tx.query(`INSERT INTO audit_log (at, user_id, action, detail) VALUES ($1::timestamptz, $2::uuid, 'device.revoke', $3::jsonb)`, [
          at,
          by,
          JSON.stringify({ deviceId, userIds: rows.map((r) => r.user_id), sessions: sessions.length }),
        ])
        return { userIds: rows.map((r) => r.user_id), sessions: sessions.length }
      })
      if (!revoked) throw notFound(`没有找到设备 ${deviceId}`, 'device_not_found')
      return { ok: true, deviceId, ...revoked }
    },
  )
}

export default devicesRoutes
