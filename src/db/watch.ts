/**
 * Follow whole tables cheaply. liveQuery re-runs its query after every committed write that
 * touches what it read; for a query over all 20,000 households that is a full re-read per page
 * of the first download. Here a reload runs at most once per `throttleMs` (the first change after
 * a quiet spell reloads at once), never two at a time, on Dexie's `storagemutated` event (which
 * also carries writes of other tabs and of the service worker).
 */
import Dexie, { type ObservabilitySet } from 'dexie'
import { isPacked, type FullGridDb } from './schema'

export interface TableWatch {
  (): void
  /** Ask for a reload now (throttled like a change of a watched table). */
  reload(): void
}

export function watchTables<T>(
  db: FullGridDb,
  tables: readonly string[],
  load: () => Promise<T>,
  onData: (data: T) => void,
  onError: (err: unknown) => void,
  throttleMs: number,
): TableWatch {
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
  const stores = [...new Set(tables.map((t) => (isPacked(t) ? 'packs' : t)))]
  const prefixes = stores.map((t) => `idb://${db.name}/${t}/`)
  const onMutated = (parts: ObservabilitySet) => {
    if (!Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)))) return
    if (running) dirty = true
    else schedule()
  }
  if (prefixes.length) Dexie.on('storagemutated', onMutated)
  void run()
  const stop = () => {
    stopped = true
    clearTimeout(timer)
    if (prefixes.length) Dexie.on.storagemutated.unsubscribe(onMutated)
  }
  return Object.assign(stop, {
    reload: () => {
      if (running) dirty = true
      else schedule()
    },
  })
}

interface Shared {
  subs: Set<(data: unknown) => void>
  errs: Set<(err: unknown) => void>
  last?: { data: unknown }
  stop?: () => void
}
const sharedWatches = new WeakMap<FullGridDb, Map<string, Shared>>()

/**
 * One watch per database and key for every subscriber (今日 and 住户 read the same 20,000
 * households): a new subscriber gets the last data at once instead of reading it again.
 */
export function shareWatch<T>(
  db: FullGridDb,
  key: string,
  start: (emit: (data: T) => void, fail: (err: unknown) => void) => () => void,
  onData: (data: T) => void,
  onError: (err: unknown) => void,
): () => void {
  let byKey = sharedWatches.get(db)
  if (!byKey) sharedWatches.set(db, (byKey = new Map()))
  let s = byKey.get(key)
  if (!s) byKey.set(key, (s = { subs: new Set(), errs: new Set() }))
  const shared = s
  const sub = onData as (data: unknown) => void
  shared.subs.add(sub)
  shared.errs.add(onError)
  if (shared.last) onData(shared.last.data as T)
  shared.stop ??= start(
    (data) => {
      shared.last = { data }
      for (const f of [...shared.subs]) f(data)
    },
    (err) => {
      for (const f of [...shared.errs]) f(err)
    },
  )
  return () => {
    shared.subs.delete(sub)
    shared.errs.delete(onError)
    if (shared.subs.size === 0) {
      shared.stop?.()
      shared.stop = undefined
      shared.last = undefined
    }
  }
}
