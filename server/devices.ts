/**
 * Devices (DESIGN §5, §7): a supervisor switches off a lost or handed-over phone. Revocation
 * marks the device, revokes its sessions at once (its next request answers 401 device_revoked)
 * and is written to the audit log. The SQL is in repositories/devices.ts; the rule of who may
 * list and revoke which devices is `manageableUsers` below.
 *
 * Who: an admin every device; a supervisor the devices of the users in their scope — the users
 * records they can see (server/sync/scope.ts): themselves and the people of their community's
 * grids. A device of anyone else is not listed, and revoking it answers 404 as if it did not exist.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { apiErrorSchema, deviceIdSchema } from '../src/domain/sync'
import { idSchema } from '../src/domain/entities'
import { deviceListSchema } from '../src/domain/devices'
import { notFound } from './errors'
import type { Queryable } from './db/adapter'
import { loadScope, scopeParams, scopePlaceholders, visibleSql } from './sync/scope'
import type { AuthContext } from './types'

export interface DevicesOptions {
  now?: () => number
}

/**
 * Whose devices the caller may list and revoke: null = everyone's (an admin); a supervisor the
 * users whose records they can see — the one visibility rule of server/sync/scope.ts.
 */
export async function manageableUsers(db: Queryable, auth: AuthContext): Promise<string[] | null> {
  const scope = await loadScope(db, auth)
  if (scope.all) return null
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id::text AS id FROM records u WHERE u.entity = 'users' AND ${visibleSql('u', 'u.data', scopePlaceholders(1))}`,
    scopeParams(scope),
  )
  return rows.map((r) => r.id)
}

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema }


const devicesRoutes: FastifyPluginAsync<DevicesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const supervisors = [app.authenticate, app.requireRole('supervisor', 'admin')]

  app.get(
    '/api/devices',
    { preHandler: supervisors, schema: { response: { 200: deviceListSchema, ...errors } } },
    async (request) => ({ devices: await app.repos.devices.list({ userIds: await manageableUsers(app.db, request.auth!) }) }),
  )

  app.post(
    '/api/devices/:deviceId/revoke',
    {
      preHandler: supervisors,
      schema: {
        params: z.object({ deviceId: deviceIdSchema }),
        // One phone may have served several users; `userId` narrows the revocation to one of them.
        body: z.object({ userId: idSchema.optional() }).optional().nullable(),
        response: {
          200: z.object({ ok: z.literal(true), deviceId: z.string(), userIds: z.array(z.string()), sessions: z.number().int() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { deviceId } = request.params
      const allowed = await manageableUsers(app.db, request.auth!)
      const asked = request.body?.userId ? [request.body.userId] : null
      const userIds = allowed === null ? asked : (asked ?? allowed).filter((id) => allowed.includes(id))
      const revoked = userIds && userIds.length === 0
        ? null
        : await app.repos.devices.revoke({ deviceId, userIds, by: request.auth!.userId, at: now() })
      if (!revoked) throw notFound(`没有找到设备 ${deviceId}`, 'device_not_found')
      return { ok: true as const, deviceId, ...revoked }
    },
  )
}

export default devicesRoutes
