/**
 * `POST /api/sync/push {deviceId, mutations[]}` → `{results: [{mutationId, status, reason?}]}`
 * (DESIGN §4 "Push"), one result per mutation in the order sent; applyPush does the work.
 *
 * The envelope must be right (else 400, nothing applied; the route schema checks it). A single
 * mutation that does not fit the wire schema but carries a usable id is answered `rejected` with
 * code `invalid` and the reason, so one broken outbox entry (say, from a newer app version) never
 * blocks the entries behind it.
 *
 * The pushing device is the one the session was issued to (`deviceId` of the login, which the app
 * also sends in the body): every stamp must carry it (judgeMutation step 2).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { describeZodError, idSchema } from '../../src/domain/entities'
import {
  apiErrorSchema, deviceIdSchema, mutationSchema, pushResponseSchema, PUSH_MAX_MUTATIONS, type Mutation, type PushResult,
} from '../../src/domain/sync'
import { badRequest } from '../errors'
import type { Database } from '../db/adapter'
import type { AuthContext } from '../types'
import { applyPush } from './applyPush'
import { withLeftGrids } from './leftGrids'
import { loadScope } from './scope'
import { REFERENCES } from './workingSet'

/** Large enough for a batch of track segments (2,000 points each). */
export const PUSH_BODY_LIMIT = 16 * 1024 * 1024

const envelopeSchema = z.object({
  deviceId: deviceIdSchema,
  mutations: z.array(z.unknown()).max(PUSH_MAX_MUTATIONS, `at most ${PUSH_MAX_MUTATIONS} mutations per push`),
})

const pushRoute: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const schema = {
    body: envelopeSchema,
    response: { 200: pushResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 413: apiErrorSchema },
  }
  app.post('/sync/push', { onRequest: app.authenticate, bodyLimit: PUSH_BODY_LIMIT, schema }, async (request) => {
    const auth = request.auth!
    const body = request.body

    // Mutations that fit the wire schema go on; the others are answered here.
    const early = new Map<number, PushResult>()
    const valid: Mutation[] = []
    body.mutations.forEach((raw, i) => {
      const parsed = mutationSchema.safeParse(raw)
      if (parsed.success) return void valid.push(canonicalIds(parsed.data))
      const id = idSchema.safeParse((raw as { id?: unknown } | null)?.id)
      if (!id.success) throw badRequest(`同步内容不正确：mutations.${i}: ${describeZodError(parsed.error)}`)
      const detail = describeZodError(parsed.error)
      early.set(i, { mutationId: id.data, status: 'rejected', reason: detail, code: 'invalid', params: { detail } })
    })

    const applied = await judgePush(app.db, auth, valid)
    let next = 0
    const results = body.mutations.map((_, i) => early.get(i) ?? applied[next++])
    return { results }
  })
}

/**
 * The judge of every push (this route and push-escrowed.ts): the pusher's scope, with the grids
 * they left (交接, 人员: what they recorded before still counts, leftGrids.ts), then applyPush.
 */
export async function judgePush(db: Database, auth: AuthContext, mutations: Mutation[]): Promise<PushResult[]> {
  const scope = await withLeftGrids(db, await loadScope(db, auth))
  return applyPush(db, mutations, { scope, deviceId: auth.deviceId })
}

/**
 * UUIDs are accepted in either case but stored lower-case, as PostgreSQL prints them: the record
 * id and the references a push is judged by (an event's issueId is looked up in stored data as
 * text, so "ABC…" and "abc…" must not count as two issues). The mutation id stays as sent: it is
 * the client's key for matching the answer.
 */
export function canonicalIds(m: Mutation): Mutation {
  const fields = { ...m.fields }
  for (const field of ['id', ...(REFERENCES[m.entity] ?? []).map((r) => r.field)]) {
    if (typeof fields[field] === 'string') fields[field] = (fields[field] as string).toLowerCase()
  }
  return { ...m, recordId: m.recordId.toLowerCase(), fields }
}

export default pushRoute
