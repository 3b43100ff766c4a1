/**
 * The phone's storage for this app (DESIGN §8.1, §8.4): asks once for persistent storage, shows
 * usage and quota on 我的, and under a full disk says plainly what was dropped to make room
 * (uploaded photos, cached map tiles — both can be fetched again; records never are dropped).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'

export interface EvictionNotice {
  photos: number
  photoBytes: number
  tiles: number
  at: number
}

/** Drops the map tiles this phone cached (the server keeps them; 离线地图 can download them again). */
async function evictTiles(): Promise<number> {
  if (typeof caches === 'undefined') return 0
  // Loaded here: mapConfig brings zod, which the entry chunk does without.
  const { TILE_CACHE } = await import('@/domain/mapConfig')
  const cache = await caches.open(TILE_CACHE)
  const keys = await cache.keys()
  await caches.delete(TILE_CACHE)
  return keys.length
}

export const useStorageStore = defineStore('storage', () => {
  /** null until asked; false when the browser may still evict our data under pressure. */
  const persisted = ref<boolean | null>(null)
  const usage = ref<number | null>(null)
  const quota = ref<number | null>(null)
  const lastEviction = shallowRef<EvictionNotice | null>(null)
  let listening = false

  async function refresh(): Promise<void> {
    const storage = globalThis.navigator?.storage
    try {
      if (storage?.persisted) persisted.value = await storage.persisted()
      const estimate = await storage?.estimate?.()
      usage.value = estimate?.usage ?? null
      quota.value = estimate?.quota ?? null
    } catch {
      // Storage API missing (old WebView): 我的 shows 未知.
    }
  }

  /** Asks the browser to keep our data under storage pressure; Chromium grants it to installed apps. */
  async function requestPersistence(): Promise<void> {
    await listen()
    const storage = globalThis.navigator?.storage
    try {
      persisted.value = (await storage?.persisted?.()) || ((await storage?.persist?.()) ?? false)
    } catch {
      persisted.value = false
    }
  }

  /** Hooks the tile cache into quota eviction and listens for evictions (src/db/quota.ts). */
  async function listen(): Promise<void> {
    if (listening) return
    listening = true
    const { onEviction, registerEvictor } = await import('@/db/quota')
    let tiles = 0
    registerEvictor(async () => (tiles = await evictTiles()))
    onEviction((e) => {
      lastEviction.value = { photos: e.photos, photoBytes: e.photoBytes, tiles, at: Date.now() }
      tiles = 0
      void refresh()
    })
  }

  return { persisted, usage, quota, lastEviction, refresh, requestPersistence }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useStorageStore, import.meta.hot))
