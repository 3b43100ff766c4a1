/// <reference lib="webworker" />
/**
 * The service worker (vite-plugin-pwa, injectManifest). It makes the app open with no network:
 * every built asset is precached, and every navigation is answered with the precached
 * index.html (the router takes it from there). API traffic is never cached: the sync engine
 * owns freshness, and a cached /api answer would make sync status lie (DESIGN §8.2).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { clientsClaim } from 'workbox-core'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> }

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }))

// A new version waits (registerType 'prompt') until the user taps "update" in the page, which
// posts SKIP_WAITING; activating in the middle of a form or patrol could lose what is on screen.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting()
})
clientsClaim()

// ---------------------------------------------------------------------------------------------
// Background Sync goes here (client sync engineer): a `sync` event listener that runs the same
// DOM-free engine from src/sync/ as the page, e.g.
//   self.addEventListener('sync', (event) => { if (event.tag === '...') event.waitUntil(...) })
// Keep /api/* out of every cache above.
// ---------------------------------------------------------------------------------------------
