/**
 * The sync status the UI binds to, and the one place the page starts the engine (src/sync).
 * Triggers: start(), the `online` event, a minute timer, notifyLocalWrite() (debounced, plus a
 * Background Sync registration) and syncNow() (立即同步). The engine itself is DOM-free; this
 * store adds the browser around it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { appDb, type FullGridDb, type RejectedEntry } from '@/db'
import {
  discardRejected as dbDiscardRejected,
  getCursor,
  getLastSyncAt,
  retryRejected as dbRetryRejected,
  watchOutboxCount,
  watchPendingRecords,
  watchRejected,
  wipeLocalDatabase,
} from '@/db/sync'
import {
  ConnectionLoop,
  DeviceRevokedError,
  NetworkError,
  UnauthorizedError,
  SyncRunner,
  SYNC_MESSAGE_TYPE,
  installSyncTriggers,
  isRetryable,
  makeContext,
  requestBackgroundSync,
  type FetchLike,
  type SyncPhase,
  type SyncProgress,
} from '@/sync'

export interface SyncStoreOptions {
  db?: FullGridDb
  fetch?: FetchLike
  baseUrl?: string
  /** Install the browser triggers (online event, timer); tests drive the store by hand. */
  triggers?: boolean
  /** Wait after a local write before syncing (the engine's DEBOUNCE_MS unless told). */
  debounceMs?: number
}

export const useSyncStore = defineStore('sync', () => {
  const phase = ref<SyncPhase>('idle')
  const online = ref(globalThis.navigator?.onLine ?? true)
  const pendingCount = ref(0)
  const lastSyncAt = ref<number | null>(null)
  /** Set while pulling into an empty phone (the first download), for the progress bar. */
  const progress = ref<{ received: number; total?: number } | null>(null)
  const rejected = shallowRef<RejectedEntry[]>([])
  /** Why the last run failed, in the server's words or 网络不可用… (never "Failed to fetch"). */
  const lastError = ref<string | null>(null)
  const revokedReason = ref<string | null>(null)
  /** Why the last 重新提交 in 需处理 could not be queued. */
  const attentionError = ref<string | null>(null)
  const busy = computed(() => phase.value === 'pushing' || phase.value === 'pulling')

  let db: FullGridDb | null = null
  let loop: ConnectionLoop | null = null
  let stops: (() => void)[] = []

  function onProgress(p: SyncProgress) {
    phase.value = p.phase
    // Straight from the transaction that stored the push answer; the outbox watch may lag behind
    // a pull that holds the outbox table.
    if (p.pending !== undefined) pendingCount.value = p.pending
    if (p.phase === 'pulling' && p.firstSync) progress.value = { received: p.done, total: p.total }
  }

  async function runSync(runner: SyncRunner): Promise<void> {
    lastError.value = null
    phase.value = 'pushing'
    try {
      const summary = await runner.sync()
      lastSyncAt.value = summary.finishedAt
      phase.value = 'idle'
    } catch (err) {
      lastError.value = err instanceof Error ? err.message : String(err)
      if (err instanceof DeviceRevokedError) {
        revokedReason.value = err.message
        phase.value = 'revoked'
      } else if (err instanceof UnauthorizedError) phase.value = 'needs-login'
      // No answer at all is 离线 even when navigator.onLine says otherwise (a browser started
      // offline may still report a network; a captive Wi-Fi never reaches the server).
      else phase.value = online.value && !(err instanceof NetworkError) ? 'error' : 'offline'
      throw err
    } finally {
      progress.value = null
    }
  }

  /** Starts syncing for the logged-in session: status views, triggers and a first run. */
  async function start(opts: SyncStoreOptions = {}): Promise<void> {
    if (loop) return
    db = opts.db ?? appDb()
    const fetchFn: FetchLike = opts.fetch ?? ((url, init) => globalThis.fetch(url, init))
    const runner = new SyncRunner(makeContext({ db, fetch: fetchFn, baseUrl: opts.baseUrl ?? '', onProgress }))
    loop = new ConnectionLoop({ run: () => runSync(runner), isRetryable, debounceMs: opts.debounceMs })
    lastSyncAt.value = (await getLastSyncAt(db)) ?? null
    let first = true
    let queued = 0
    stops.push(
      watchOutboxCount(db, (n) => {
        // A growing outbox is a local write (from any feature or tab): sync soon, debounced.
        // Entries already waiting when the store starts count too.
        const grew = first ? n > 0 : n > queued
        first = false
        queued = n
        if (grew) notifyLocalWrite()
      }),
    )
    // 待同步 N 条 counts records, not mutations (an issue and its 上报 event are one).
    stops.push(watchPendingRecords(db, (n) => (pendingCount.value = n)))
    stops.push(watchRejected(db, (list) => (rejected.value = list)))
    if (opts.triggers !== false) {
      stops.push(
        installSyncTriggers(loop, {
          target: globalThis.window,
          isOnline: () => online.value,
          onOnlineChange: (o) => {
            online.value = o
            if (!o && !busy.value && phase.value !== 'revoked' && phase.value !== 'needs-login') phase.value = 'offline'
          },
          onError: () => {},
        }),
      )
      if (!online.value) phase.value = 'offline'
      stops.push(listenToServiceWorker())
    }
  }

  /** The service worker synced in the background: show its result (a failure is re-run here to explain it). */
  function listenToServiceWorker(): () => void {
    const sw = globalThis.navigator?.serviceWorker
    if (!sw) return () => {}
    const onMessage = async (event: MessageEvent) => {
      if (event.data?.type !== SYNC_MESSAGE_TYPE || !db) return
      if (event.data.outcome === 'ok') lastSyncAt.value = (await getLastSyncAt(db)) ?? lastSyncAt.value
      else loop?.runNow().catch(() => {})
    }
    sw.addEventListener('message', onMessage)
    return () => sw.removeEventListener('message', onMessage)
  }

  function stop(): void {
    loop?.stop()
    loop = null
    for (const s of stops) s()
    stops = []
  }

  /** 立即同步: resolves true only when a whole run succeeded (never after a timeout or error). */
  async function syncNow(): Promise<boolean> {
    if (!loop) return false
    if (phase.value === 'revoked') return false
    loop.resume()
    try {
      await loop.runNow()
      return true
    } catch {
      return false
    }
  }

  /**
   * After a local write: a debounced sync here, and the service worker's if the page closes.
   * The store calls it itself when the outbox grows; features may call it too (it is idempotent).
   */
  function notifyLocalWrite(): void {
    loop?.trigger()
    const sw = globalThis.navigator?.serviceWorker
    if (sw?.ready) void sw.ready.then((reg) => requestBackgroundSync(reg)).catch(() => {})
  }

  /** After a new login: leave 'needs-login' and sync. */
  function resume(): Promise<boolean> {
    loop?.resume()
    if (phase.value === 'needs-login') phase.value = 'idle'
    return syncNow()
  }

  async function discardRejected(id: string): Promise<void> {
    if (db) await dbDiscardRejected(db, id)
  }

  /** 重新提交; false with `attentionError` set when the change cannot be made any more. */
  async function retryRejected(id: string): Promise<boolean> {
    if (!db) return false
    attentionError.value = null
    try {
      await dbRetryRejected(db, id, Date.now)
    } catch (err) {
      attentionError.value = err instanceof Error ? err.message : String(err)
      return false
    }
    notifyLocalWrite()
    return true
  }

  /** Is the next pull the first download (no cursor yet)? For the start screen's wording. */
  async function isFirstSync(): Promise<boolean> {
    return db ? !(await getCursor(db)) : true
  }

  /** After the revocation has been shown: delete every local record, the outbox, the session and the key. */
  async function wipeRevokedDevice(): Promise<void> {
    const target = db ?? appDb()
    stop()
    await wipeLocalDatabase(target)
    // The data key goes with the records (issue 19).
    await (await import('@/db/phoneLock')).wipePhone()
    pendingCount.value = 0
    rejected.value = []
  }

  return {
    phase,
    online,
    pendingCount,
    lastSyncAt,
    progress,
    rejected,
    lastError,
    revokedReason,
    attentionError,
    busy,
    start,
    stop,
    syncNow,
    notifyLocalWrite,
    resume,
    discardRejected,
    retryRejected,
    isFirstSync,
    wipeRevokedDevice,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSyncStore, import.meta.hot))
