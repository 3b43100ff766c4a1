/// <reference lib="webworker" />
/**
 * The service worker (vite-plugin-pwa, injectManifest). It makes the app open with no network:
 * every built asset is precached, and every navigation is answered with the precached
 * index.html (the router takes it from there). API traffic is never cached: the sync engine
 * owns freshness, and a cached /api answer would make sync status lie (DESIGN §8.2).
 */
// First: zod must be jitless before the sync engine parses anything (the worker runs under the same CSP).
import './app/zod-jitless'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { CacheFirst } from 'workbox-strategies'
import { clientsClaim } from 'workbox-core'
import { appDb } from './db'
import { phoneHasPin } from './db/phoneLock'
import { BACKGROUND_SYNC_TAG, SYNC_MESSAGE_TYPE, runBackgroundSync, runEscrowedBackgroundSync, type FetchLike } from './sync'
import { TILE_CACHE } from './domain/mapConfig'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> }

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }))

// Base-map tiles are the one exception to "no /api in a cache": they carry no sync state, and a
// tile seen once (or downloaded in 离线地图 into the same cache) must show in a basement.
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith('/api/tiles/'),
  new CacheFirst({ cacheName: TILE_CACHE }),
)

// A new version waits (registerType 'prompt') until the user taps "update" in the page, which
// posts SKIP_WAITING; activating in the middle of a form or patrol could lose what is on screen.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting()
})
clientsClaim()

// ---------------------------------------------------------------------------------------------
// Background Sync (Chromium): the page registers BACKGROUND_SYNC_TAG after local writes; the
// browser wakes this worker once it is online, even if the page was closed. It runs the same
// DOM-free engine as the page (src/sync), with the token from the stored session, under the
// same cross-tab lock, so page and worker never sync at once. A network or server failure is
// rethrown: the browser then retries with its own back-off. A 401 or a revoked device is only
// reported to open pages — the page must explain a revocation before it wipes anything.
// Keep /api/* (tiles excepted) out of every cache above.
// ---------------------------------------------------------------------------------------------
self.addEventListener('sync', (event: Event) => {
  const e = event as ExtendableEvent & { tag?: string }
  if (e.tag !== BACKGROUND_SYNC_TAG) return
  e.waitUntil(
    (async () => {
      // Issue 19: the data key lives only in an unlocked page, never here. With a PIN set the
      // outbox is sealed, so this worker sends the rows' escrow copies instead (encrypted to the
      // server's key, readable without the data key: src/db/escrow.ts) and deletes nothing; the
      // page's push at the next unlock sends the same mutation ids, answered as already accepted.
      // Pulls, photos and rows without a copy wait for the unlock (pulled pages would otherwise
      // be written in the clear).
      const fetchLike: FetchLike = (url, init) => fetch(url, init)
      const outcome = (await phoneHasPin()) ? await runEscrowedBackgroundSync(appDb(), fetchLike) : await runBackgroundSync(appDb(), fetchLike)
      const clients = await self.clients.matchAll({ type: 'window' })
      for (const client of clients) client.postMessage({ type: SYNC_MESSAGE_TYPE, outcome: outcome.ok ? 'ok' : outcome.reason })
    })(),
  )
})
