/**
 * Sync API (DESIGN §4): push, pull and blobs. Registered by server/app.ts under /api; each verb
 * is its own encapsulated plugin (blobs add content-type parsers that must not leak).
 */
import type { FastifyPluginAsync } from 'fastify'
import blobRoutes from './blobs'
import pullRoute from './pull'
import pushRoute from './push'

const syncRoutes: FastifyPluginAsync = async (app) => {
  await app.register(pushRoute)
  await app.register(pullRoute)
  await app.register(blobRoutes)
}
export default syncRoutes
