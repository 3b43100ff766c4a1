/**
 * `POST /api/sync/push {deviceId, mutations[]}` → `{results: [{mutationId, status, reason?}]}`
 * (DESIGN §4 "Push"), one result per mutation in the order sent; applyPush does the work.
 *
 * The envelope must be right (else 400, nothing applied). A single mutation that does not fit
 * the wire schema but carries a usable id is answered `rejected` with the reason, so one broken
 * outbox entry (say, from a newer app version) never blocks the entries behind it.
 */
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { describeZodError, idSchema } from '../../src/domain/entities'
import { deviceIdSchema, mutationSchema, PUSH_MAX_MUTATIONS, type Mutation, type PushResult } from '../../src/domain/sync'
import { badRequest, parseWith } from '../errors'
import { applyPush } from './applyPush'
import { loadScope } from './scope'

/** Large enough for a batch of track segments (2,000 points each). */
export const PUSH_BODY_LIMIT = 16 * 1024 * 1024

const envelopeSchema = z.object({
  deviceId: deviceIdSchema,
  mutations: z.array(z.unknown()).max(PUSH_MAX_MUTATIONS, `at most ${PUSH_MAX_MUTATIONS} mutations per push`),
})

const pushRoute: FastifyPluginAsync = async (app) => {
  app.post('/sync/push', { onRequest: app.authenticate, bodyLimit: PUSH_BODY_LIMIT }, async (request) => {
    const auth = request.auth!
    const body = parseWith(envelopeSchema, request.body, '同步内容')

    // Mutations that fit the wire schema go on; the others are answered here.
    const early = new Map<number, PushResult>()
    const valid: Mutation[] = []
    body.mutations.forEach((raw, i) => {
      const parsed = mutationSchema.safeParse(raw)
      if (parsed.success) return void valid.push(parsed.data)
      const id = idSchema.safeParse((raw as { id?: unknown } | null)?.id)
      if (!id.success) throw badRequest(`同步内容不正确：mutations.${i}: ${describeZodError(parsed.error)}`)
      early.set(i, { mutationId: id.data, status: 'rejected', reason: describeZodError(parsed.error) })
    })

    const scope = await loadScope(app.db, auth)
    const applied = await applyPush(app.db, valid, { scope, deviceId: auth.deviceId })
    let next = 0
    const results = body.mutations.map((_, i) => early.get(i) ?? applied[next++])
    return { results }
  })
}

export default pushRoute
