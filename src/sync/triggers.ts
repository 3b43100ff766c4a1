/**
 * The events that start a sync (DESIGN §4 "Triggers"): app start, the `online` event, a timer
 * while online, and — after local writes — a debounced run plus a Background Sync registration
 * so the service worker syncs even if the page is closed before the network comes back.
 * Local writes and "立即同步" reach the loop through the store (notifyLocalWrite / syncNow).
 */
import { PERIODIC_SYNC_MS, type ConnectionLoop } from './ConnectionLoop'

export const BACKGROUND_SYNC_TAG = 'fullgrid-sync'
/** What the service worker posts to open pages after a background run. */
export const SYNC_MESSAGE_TYPE = 'fullgrid-sync-done'

export interface EventTargetLike {
  addEventListener(type: string, fn: () => void): void
  removeEventListener(type: string, fn: () => void): void
}

export interface TriggerOptions {
  /** `window` in the page. */
  target?: EventTargetLike
  isOnline?: () => boolean
  onOnlineChange?: (online: boolean) => void
  periodMs?: number
  /** Called when a triggered run fails; the loop already schedules the retry. */
  onError?: (err: unknown) => void
}

/** Installs the triggers and runs the start-up sync; returns the function that removes them. */
export function installSyncTriggers(loop: ConnectionLoop, opts: TriggerOptions = {}): () => void {
  const isOnline = opts.isOnline ?? (() => true)
  const onError = opts.onError ?? (() => {})
  const kick = () => loop.runNow().catch(onError)
  const online = () => {
    opts.onOnlineChange?.(true)
    kick()
  }
  const offline = () => opts.onOnlineChange?.(false)
  opts.target?.addEventListener('online', online)
  opts.target?.addEventListener('offline', offline)
  const timer = setInterval(() => {
    if (isOnline()) loop.trigger()
  }, opts.periodMs ?? PERIODIC_SYNC_MS)
  if (isOnline()) kick()
  return () => {
    clearInterval(timer)
    opts.target?.removeEventListener('online', online)
    opts.target?.removeEventListener('offline', offline)
  }
}

interface SyncManagerLike {
  register(tag: string): Promise<void>
}

/** Asks the browser to wake the service worker for a sync once online (Chromium only). */
export async function requestBackgroundSync(registration: unknown): Promise<boolean> {
  const sync = (registration as { sync?: SyncManagerLike } | null | undefined)?.sync
  if (!sync || typeof sync.register !== 'function') return false
  try {
    await sync.register(BACKGROUND_SYNC_TAG)
    return true
  } catch {
    // Permission refused or unsupported in this context: the page's own triggers still run.
    return false
  }
}
