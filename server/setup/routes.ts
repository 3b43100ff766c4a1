/**
 * 首次设置 and the set-up guide (issue 18).
 *
 *   GET  /api/setup/state                       → {needsAdmin}              public
 *   POST /api/setup/first-admin                 {token, name, username, password} → {user, username}
 *   GET  /api/setup/progress                    → {communities, grids, workers, households, complete}   admin
 *
 * The first-admin route opens no session: the page signs in with /api/auth/login right after,
 * so the session, device and throttling are the login's own (firstStart.ts has the algorithm).
 * The progress counts are of the whole street office (an admin sees everything); the guide
 * shows each step done once its count is above zero.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { apiErrorSchema } from '../../src/domain/sync'
import { hashPassword } from '../auth/password'
import { checkFirstAdmin, createFirstAdmin, hasActiveAdmin } from './firstStart'

export interface SetupOptions {
  now?: () => number
}

const progressSchema = z.object({
  communities: z.number().int(),
  grids: z.number().int(),
  workers: z.number().int(),
  households: z.number().int(),
  complete: z.boolean(),
})
export type SetupProgress = z.infer<typeof progressSchema>

const errors = { 400: apiErrorSchema, 409: apiErrorSchema, 410: apiErrorSchema }

const setupRoutes: FastifyPluginAsync<SetupOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now

  // Whether the set-up page should show its form at all; says nothing a login page does not.
  app.get('/api/setup/state', { schema: { response: { 200: z.object({ needsAdmin: z.boolean() }) } } }, async () => ({
    needsAdmin: !(await hasActiveAdmin(app.db)),
  }))

  app.post(
    '/api/setup/first-admin',
    {
      schema: {
        body: z.object({ token: z.string().min(1).max(200), name: z.string().max(200), username: z.string().max(200), password: z.string().max(1000) }),
        response: { 200: z.object({ user: z.object({ id: z.string(), name: z.string(), role: z.literal('admin') }), username: z.string() }), ...errors },
      },
    },
    async (request) => {
      const { token, ...form } = request.body
      checkFirstAdmin(form)
      const passwordHash = await hashPassword(form.password)
      const { user, username } = await createFirstAdmin(app.db, { token, name: form.name, username: form.username, passwordHash }, now())
      request.log.warn({ userId: user.id }, 'first admin created')
      return { user: { id: user.id, name: user.name, role: 'admin' as const }, username }
    },
  )

  app.get(
    '/api/setup/progress',
    { preHandler: [app.authenticate, app.requireRole('admin')], schema: { response: { 200: progressSchema } } },
    async () => {
      const { rows } = await app.db.query<{ communities: number; grids: number; workers: number; households: number }>(
        `SELECT
           count(*) FILTER (WHERE entity = 'grids' AND data->>'level' = 'community')::int AS communities,
           count(*) FILTER (WHERE entity = 'grids' AND data->>'level' = 'grid')::int AS grids,
           count(*) FILTER (WHERE entity = 'users' AND data->>'role' = 'worker')::int AS workers,
           count(*) FILTER (WHERE entity = 'households')::int AS households
         FROM records WHERE entity IN ('grids', 'users', 'households') AND NOT deleted`,
      )
      const c = rows[0]
      return { ...c, complete: c.communities > 0 && c.grids > 0 && c.workers > 0 && c.households > 0 }
    },
  )
}

export default setupRoutes
