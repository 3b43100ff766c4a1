/**
 * `GET /api/sync/escrow-key` → `{kid, publicKey}` and
 * `POST /api/sync/push-escrowed {deviceId, items: [{id, envelope}]}` → `{results}` (issue 19).
 *
 * A locked phone (its service worker, or the fifth wrong PIN before the wipe) cannot read its
 * sealed outbox, but each row carries an escrow copy of its mutation encrypted to this server's
 * key (src/domain/escrow.ts, server/sync/escrowKey.ts). Here each is opened, checked with push's
 * mutation schema and judged by push's judge (judgePush: same session, scope, device and stamp
 * checks), so one mutation id is one mutation whichever route brought it: the unlocked phone's
 * later normal push of the same id is answered `duplicate`, never stored twice.
 *
 * One result per item, in the order sent, each under the item's id. An item that cannot be used
 * (not an envelope, another server key, altered, sealed on another device, its id not the one
 * inside, not a mutation) is answered `rejected` / `invalid` with a plain reason; the others go on.
 * A batch is judged in HLC order (a record's create before its edits), as the phone wrote it.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { describeZodError, idSchema } from '../../src/domain/entities'
import { escrowEnvelopeSchema, escrowKeyResponseSchema, escrowPlainSchema } from '../../src/domain/escrow'
import { apiErrorSchema, deviceIdSchema, mutationSchema, pushResponseSchema, PUSH_MAX_MUTATIONS, type Mutation, type PushResult } from '../../src/domain/sync'
import { envelopeOpener, escrowKey } from './escrowKey'
import { canonicalIds, judgePush, PUSH_BODY_LIMIT } from './push'

const bodySchema = z.object({
  deviceId: deviceIdSchema,
  items: z.array(z.object({ id: idSchema, envelope: z.unknown() })).max(PUSH_MAX_MUTATIONS, `at most ${PUSH_MAX_MUTATIONS} items per push`),
})

const pushEscrowedRoute: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get(
    '/sync/escrow-key',
    { onRequest: app.authenticate, schema: { response: { 200: escrowKeyResponseSchema, 401: apiErrorSchema } } },
    async () => {
      const key = await escrowKey(app.db)
      return { kid: key.kid, publicKey: key.publicKey }
    },
  )

  const schema = { body: bodySchema, response: { 200: pushResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 413: apiErrorSchema } }
  app.post('/sync/push-escrowed', { onRequest: app.authenticate, bodyLimit: PUSH_BODY_LIMIT, schema }, async (request) => {
    const auth = request.auth!
    const items = request.body.items
    const open = envelopeOpener(await escrowKey(app.db))
    const results: (PushResult | null)[] = items.map(() => null)
    const valid: { at: number; m: Mutation }[] = []
    const refuse = (at: number, detail: string) => {
      results[at] = { mutationId: items[at]!.id, status: 'rejected', reason: detail, code: 'invalid', params: { detail } }
    }
    for (const [at, item] of items.entries()) {
      const env = escrowEnvelopeSchema.safeParse(item.envelope)
      if (!env.success) {
        refuse(at, `not an escrow envelope: ${describeZodError(env.error)}`)
        continue
      }
      let plain: z.infer<typeof escrowPlainSchema>
      try {
        const parsed = escrowPlainSchema.safeParse(await open(env.data))
        if (!parsed.success) throw new Error(`the envelope holds no mutation: ${describeZodError(parsed.error)}`)
        plain = parsed.data
      } catch (err) {
        refuse(at, (err as Error).message)
        continue
      }
      if (plain.deviceId !== auth.deviceId) {
        refuse(at, `sealed on device ${plain.deviceId}, not on this session's device`)
        continue
      }
      const m = mutationSchema.safeParse(plain.mutation)
      if (!m.success) {
        refuse(at, describeZodError(m.error))
        continue
      }
      if (m.data.id !== item.id) {
        refuse(at, `the envelope holds mutation ${m.data.id}, not ${item.id}`)
        continue
      }
      valid.push({ at, m: canonicalIds(m.data) })
    }
    valid.sort((a, b) => (a.m.hlc < b.m.hlc ? -1 : a.m.hlc > b.m.hlc ? 1 : a.at - b.at))
    const judged = await judgePush(app.db, auth, valid.map((v) => v.m))
    valid.forEach((v, i) => (results[v.at] = judged[i]!))
    return { results: results as PushResult[] }
  })
}

export default pushEscrowedRoute
