/**
 * 离线地图: download the base-map tiles of the worker's grids into the service worker's tile
 * cache (Cache Storage TILE_CACHE), which then answers /api/tiles cache-first with no network.
 * What was downloaded is remembered in localStorage (count, bytes, levels) for 已下载.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import gcoord from 'gcoord'
import { appDb } from '@/db'
import { TILE_CACHE, type AppConfig } from '@/domain/mapConfig'
import { useAccountStore } from '@/app/session/account.store'
import { loadAppConfig } from '@/features/map/map.config'
import { ESTIMATED_TILE_BYTES, MIN_OFFLINE_ZOOM, padded, tileUrl, tilesFor, type Bounds, type TileRef } from './offline-map.models'

const MANIFEST_KEY = 'fullgrid.offlineTiles'
/** Parallel downloads: enough to hide latency, few enough not to starve sync. */
const CONCURRENCY = 4

export interface OfflineManifest {
  count: number
  bytes: number
  minZoom: number
  maxZoom: number
  at: number
}

function readManifest(): OfflineManifest | null {
  try {
    const raw = localStorage.getItem(MANIFEST_KEY)
    return raw ? (JSON.parse(raw) as OfflineManifest) : null
  } catch {
    return null
  }
}

export const useOfflineMapStore = defineStore('offlineMap', () => {
  const config = shallowRef<AppConfig | null>(null)
  const bounds = shallowRef<Bounds | null>(null)
  const maxZoom = ref(16)
  const downloading = ref(false)
  const done = ref(0)
  const total = ref(0)
  const failed = ref(0)
  const cancelled = ref(false)
  const manifest = ref<OfflineManifest | null>(readManifest())
  let abort: AbortController | null = null

  const zoomChoices = computed(() => {
    const top = config.value?.tiles?.maxZoom ?? 18
    return [15, 16, 17, 18].filter((z) => z <= top)
  })
  const plan = computed<TileRef[]>(() => (bounds.value ? tilesFor(bounds.value, MIN_OFFLINE_ZOOM, maxZoom.value) : []))
  const estimateBytes = computed(() => plan.value.length * ESTIMATED_TILE_BYTES)
  const percent = computed(() => (total.value ? Math.round((done.value / total.value) * 100) : 0))

  /** The settings and the box around the logged-in worker's grids (in the tiles' system). */
  async function load(): Promise<void> {
    config.value = await loadAppConfig()
    const ids = useAccountStore().user?.gridIds ?? []
    const grids = (await appDb().grids.bulkGet(ids)).filter((g) => g && !g.deleted && g.boundary)
    let box: Bounds | null = null
    for (const g of grids) {
      for (const [lng, lat] of g!.boundary!.coordinates[0]) {
        const [x, y] = config.value.tiles?.crs === 'gcj02' ? (gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number]) : [lng, lat]
        box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y]
      }
    }
    bounds.value = box ? padded(box) : null
    if (!zoomChoices.value.includes(maxZoom.value)) maxZoom.value = zoomChoices.value.at(-1) ?? 16
  }

  /** 下载: every planned tile not yet cached; progress as it goes; 取消 stops it. */
  async function download(): Promise<void> {
    const template = config.value?.tiles?.url
    if (!template || downloading.value) return
    const tiles = plan.value
    abort = new AbortController()
    const { signal } = abort
    downloading.value = true
    cancelled.value = false
    done.value = 0
    failed.value = 0
    total.value = tiles.length
    let bytes = 0
    let count = 0
    const cache = await caches.open(TILE_CACHE)
    let next = 0
    const worker = async () => {
      while (!signal.aborted && next < tiles.length) {
        const url = tileUrl(template, tiles[next++])
        try {
          let res = await cache.match(url)
          if (!res) {
            const fresh = await fetch(url, { signal })
            if (!fresh.ok) throw new Error(`HTTP ${fresh.status}`)
            await cache.put(url, fresh.clone())
            res = fresh
          }
          bytes += (await res.blob()).size
          count++
        } catch {
          if (!signal.aborted) failed.value++
        }
        if (!signal.aborted) done.value++
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    downloading.value = false
    if (signal.aborted) return
    manifest.value = { count, bytes, minZoom: MIN_OFFLINE_ZOOM, maxZoom: maxZoom.value, at: Date.now() }
    try {
      localStorage.setItem(MANIFEST_KEY, JSON.stringify(manifest.value))
    } catch {
      // Storage disabled: the tiles are cached all the same.
    }
  }

  function cancel(): void {
    abort?.abort()
    cancelled.value = true
  }

  /** 删除: the whole tile cache (tiles seen while online included) and the record of it. */
  async function remove(): Promise<void> {
    await caches.delete(TILE_CACHE)
    manifest.value = null
    try {
      localStorage.removeItem(MANIFEST_KEY)
    } catch {
      // nothing kept
    }
  }

  return { config, bounds, maxZoom, zoomChoices, plan, estimateBytes, downloading, done, total, failed, percent, cancelled, manifest, load, download, cancel, remove }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useOfflineMapStore, import.meta.hot))
