/**
 * Sync API (DESIGN §4): push, pull and blobs. Registered by server/app.ts under /api; each verb
 * is its own encapsulated plugin (blobs add content-type parsers that must not leak).
 */
import type { FastifyPluginAsync } from 'fastify'
import blobRoutes, { type BlobRoutesOptions } from './blobs'
import pullRoute from './pull'
import pushRoute from './push'
import pushEscrowedRoute from './pushEscrowed'

export interface SyncRoutesOptions {
  blobs?: BlobRoutesOptions
}

const syncRoutes: FastifyPluginAsync<SyncRoutesOptions> = async (app, opts) => {
  await app.register(pushRoute)
  await app.register(pushEscrowedRoute)
  await app.register(pullRoute)
  await app.register(blobRoutes, opts.blobs ?? {})
}
export default syncRoutes
