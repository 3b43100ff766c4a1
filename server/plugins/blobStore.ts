/**
 * The blob store plugin: decorates `app.blobStore` (photo bytes as files, server/sync/blobStore.ts).
 * Production passes the blob folder (FULLGRID_BLOBS, else `<FULLGRID_DATA>/blobs`); an app built
 * without one (tests, benchmarks) gets a temporary folder, removed when the app closes.
 *
 * When the app is ready it moves photos stored in the database before migration 006 into files,
 * a few at a time, so an upgraded server serves and stores photos one way only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { ensureWritableFolder } from '../dataFolder'
import { BlobStore } from '../sync/blobStore'
import '../types'

export interface BlobStorePluginOptions {
  /** A folder, or a ready store (tests pass one that fails or waits on purpose). */
  store?: string | BlobStore
}

const blobStorePlugin: FastifyPluginAsync<BlobStorePluginOptions> = async (app, opts) => {
  let store: BlobStore
  if (opts.store instanceof BlobStore) store = opts.store
  else if (opts.store) store = new BlobStore(ensureWritableFolder(opts.store, '照片目录 (blob folder)'))
  else {
    const dir = mkdtempSync(join(tmpdir(), 'fullgrid-blobs-'))
    store = new BlobStore(dir)
    app.addHook('onClose', async () => rmSync(dir, { recursive: true, force: true }))
  }
  app.decorate('blobStore', store)

  app.addHook('onReady', async () => {
    for (;;) {
      const batch = await app.repos.blobs.legacy(20)
      if (batch.length === 0) break
      for (const { sha256, bytes } of batch) {
        await store.put(sha256, bytes)
        await app.repos.blobs.dropLegacyBytes(sha256)
      }
    }
  })
}

export default fp(blobStorePlugin, { name: 'fullgrid-blob-store', fastify: '5.x', dependencies: ['fullgrid-repositories'] })
