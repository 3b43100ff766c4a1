/** `GET /api/sync/pull?cursor=C&limit=N` (DESIGN §4 "Pull"); the feed itself is readChanges. */
import type { FastifyPluginAsync } from 'fastify'
import { PULL_DEFAULT_LIMIT, pullQuerySchema } from '../../src/domain/sync'
import { parseWith } from '../errors'
import { decodeCursor, START } from './cursor'
import { readChanges } from './readChanges'
import { loadScope } from './scope'

const pullRoute: FastifyPluginAsync = async (app) => {
  app.get('/sync/pull', { onRequest: app.authenticate }, async (request, reply) => {
    const auth = request.auth!
    const query = parseWith(pullQuerySchema, request.query, '同步请求参数')
    const scope = await loadScope(app.db, auth)
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    // A cursor made under another scope (grids reassigned) starts over: see cursor.ts.
    const from = cursor && cursor.scope === scope.fingerprint ? cursor : START
    // A download from the start (a new phone, a reset) says how much is coming, for its progress bar.
    const page = await readChanges(app.db, scope, from, query.limit ?? PULL_DEFAULT_LIMIT, undefined, { countRemaining: from === START })
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(page.json)
  })
}

export default pullRoute
