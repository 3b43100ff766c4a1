/**
 * Follow whole tables cheaply. liveQuery re-runs its query after every committed write that
 * touches what it read; for a query over all 20,000 households that is a full re-read per page
 * of the first download. Here a reload runs at most once per `throttleMs` (the first change after
 * a quiet spell reloads at once), never two at a time, on Dexie's `storagemutated` event (which
 * also carries writes of other tabs and of the service worker).
 */
import Dexie, { type ObservabilitySet } from 'dexie'
import type { FullGridDb } from './schema'

export function watchTables<T>(
  db: FullGridDb,
  tables: readonly string[],
  load: () => Promise<T>,
  onData: (data: T) => void,
  onError: (err: unknown) => void,
  throttleMs: number,
): () => void {
  let stopped = false
  let running = false
  let dirty = false
  let last = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const schedule = () => {
    if (timer || stopped) return
    timer = setTimeout(() => {
      timer = undefined
      void run()
    }, Math.max(0, last + throttleMs - Date.now()))
  }
  const run = async () => {
    if (stopped) return
    if (running) return void (dirty = true)
    running = true
    dirty = false
    last = Date.now()
    try {
      const data = await load()
      if (!stopped) onData(data)
    } catch (err) {
      if (!stopped) onError(err)
    } finally {
      running = false
      if (dirty) schedule()
    }
  }
  const prefixes = tables.map((t) => `idb://${db.name}/${t}/`)
  const onMutated = (parts: ObservabilitySet) => {
    if (!Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)))) return
    if (running) dirty = true
    else schedule()
  }
  Dexie.on('storagemutated', onMutated)
  void run()
  return () => {
    stopped = true
    clearTimeout(timer)
    Dexie.on.storagemutated.unsubscribe(onMutated)
  }
}
