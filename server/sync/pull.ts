/**
 * `GET /api/sync/pull?cursor=C&limit=N` (DESIGN §4 "Pull"); the feed itself is readChanges.
 * The page arrives as JSON text already (readChanges builds it for speed), which Fastify sends as
 * it is: the 200 schema documents the answer, tests check pages against it.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { apiErrorSchema, PULL_DEFAULT_LIMIT, pullQuerySchema, pullResponseSchema, type PullResponse } from '../../src/domain/sync'
import { decodeCursor, START } from './cursor'
import { readChanges } from './readChanges'
import { loadScope } from './scope'

const pullRoute: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const schema = { querystring: pullQuerySchema, response: { 200: pullResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema } }
  app.get('/sync/pull', { onRequest: app.authenticate, schema }, async (request, reply) => {
    const auth = request.auth!
    const query = request.query
    const scope = await loadScope(app.db, auth)
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    // A cursor made under another scope (grids reassigned) starts over: see cursor.ts.
    const from = cursor && cursor.scope === scope.fingerprint ? cursor : START
    // A download from the start (a new phone, a reset) says how much is coming, for its progress bar.
    const page = await readChanges(app.db, scope, from, query.limit ?? PULL_DEFAULT_LIMIT, undefined, { countRemaining: from === START })
    // JSON text with a JSON content type skips the serializer: typed as the schema's answer it is.
    const json = page.json as unknown as PullResponse
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(json)
  })
}

export default pullRoute
