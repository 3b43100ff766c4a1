/**
 * Devices (DESIGN §5, §7): a supervisor switches off a lost or handed-over phone. Revocation
 * marks the device, revokes its sessions at once (its next request answers 401 device_revoked)
 * and is written to the audit log. The SQL is in repositories/devices.ts; the rules of who may
 * list and revoke which devices are the functions below.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { apiErrorSchema, deviceIdSchema } from '../src/domain/sync'
import { idSchema } from '../src/domain/entities'
import { deviceListSchema } from '../src/domain/devices'
import { notFound } from './errors'
import type { Queryable } from './db/adapter'
import type { AuthContext } from './types'

export interface DevicesOptions {
  now?: () => number
}

/**
 * Whose devices the caller may list and revoke: null = everyone's. Today every supervisor and
 * admin manages all devices; narrowing a supervisor to their community is this function's job.
 */
export async function manageableUsers(_db: Queryable, _auth: AuthContext): Promise<string[] | null> {
  return null
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
