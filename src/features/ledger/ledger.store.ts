/**
 * The household ledger on this phone (住户): every household with its due-visit state, in the
 * order 小区 → 楼栋 → 单元 → 户, searchable and filterable. The records follow the database
 * (liveQuery), so an edit, a visit or a sync shows without reloading; the search index is built
 * once per change of the households (lazily, on the first search or when the phone is idle).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import { Repository, appDb } from '@/db'
import { createHousehold, getBuilding, getHousehold, loadLedgerData, updateHousehold, watchLedgerData, type LedgerData } from '@/db/households'
import { watchCadenceVisits } from '@/db/visits'
import { loadPinyinCache, savePinyinCache } from '@/db/pinyinCache'
import { dayNumber, dueState, type CadenceVisit } from '@/domain/cadence'
import { communityTimeZone } from '@/ui/time'
import { findDuplicates, type DuplicateCandidate, type DuplicateMatch } from '@/domain/duplicates'
import type { Household } from '@/domain/entities'
import type { Pinyin, SearchIndex } from '@/domain/householdSearch'
import type { NewRecord, RecordPatch } from '@/db'
import { useSyncStore } from '@/app/session/sync.store'
import { NO_FILTERS, gridMembership, groupRows, matchesFilters, sortLedger, type LedgerFilters, type LedgerItem, type LedgerRow } from './ledger.models'

export interface RowLabels {
  other: string
  unit: (u: string) => string
  count: (n: number) => string
  results: (n: number) => string
}

export const useLedgerStore = defineStore('ledger', () => {
  const data = shallowRef<LedgerData | null>(null)
  const visits = shallowRef<CadenceVisit[]>([])
  const loadError = ref<string | null>(null)
  const query = ref('')
  const filters = reactive<LedgerFilters>({ ...NO_FILTERS })
  const today = ref(dayNumber(Date.now(), communityTimeZone()))
  const loaded = computed(() => data.value !== null)
  const pinyinCache = new Map<string, Pinyin>()

  // Sorted once per change of the records; the due states follow the visits without re-sorting.
  const placed = computed(() => {
    const d = data.value
    if (!d) return []
    const buildings = new Map(d.buildings.map((b) => [b.id, b]))
    return sortLedger(d.households.map((household) => ({ household, building: (household.buildingId && buildings.get(household.buildingId)) || null })))
  })
  const items = computed<LedgerItem[]>(() => {
    const byHousehold = new Map<string, CadenceVisit[]>()
    for (const v of visits.value) {
      const list = byHousehold.get(v.householdId)
      if (list) list.push(v)
      else byHousehold.set(v.householdId, [v])
    }
    return placed.value.map((p) => ({ ...p, due: dueState(p.household, byHousehold.get(p.household.id) ?? [], today.value, communityTimeZone()) }))
  })
  const byId = computed(() => new Map(items.value.map((i) => [i.household.id, i])))
  const parentOf = computed(() => gridMembership(data.value?.grids ?? []))
  const grids = computed(() => (data.value?.grids ?? []).filter((g) => g.level === 'grid'))

  // Search (with pinyin-pro's dictionary) loads after the list is on screen, not before it.
  const search = shallowRef<typeof import('@/domain/householdSearch') | null>(null)
  let searchLoading: Promise<unknown> | null = null
  // The pinyin of names converted before (kept on the phone) comes with it: only new names are converted.
  const loadSearch = () =>
    (searchLoading ??= Promise.all([
      import('@/domain/householdSearch'),
      loadPinyinCache(appDb(), pinyinCache).catch(() => undefined),
    ]).then(([m]) => (search.value = m)))
  let savedNames = -1
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  // Not from inside the computed's evaluation: a timer, once the index has been built.
  const keepPinyin = () => {
    if (saveTimer || pinyinCache.size === savedNames) return
    saveTimer = setTimeout(() => {
      saveTimer = undefined
      savedNames = pinyinCache.size
      void savePinyinCache(appDb(), pinyinCache).catch(() => (savedNames = -1))
    }, 1000)
  }
  // A computed is lazy: the index is built on first use, once per change of the households.
  const index = computed<SearchIndex | null>(() => {
    if (!search.value) return null
    const built = search.value.buildSearchIndex(
      placed.value.map((i) => ({ household: i.household, building: i.building })),
      pinyinCache,
    )
    keepPinyin()
    return built
  })

  const filtered = computed(() => {
    const f = filters
    const active = f.tag || f.visit || f.gridId
    return active ? items.value.filter((i) => matchesFilters(i, f, today.value, parentOf.value)) : items.value
  })

  /** Ranked matches of the query (ids), or null when the box is empty. */
  const hits = computed(() => {
    if (!query.value.trim()) return null
    if (!search.value || !index.value) {
      void loadSearch()
      return []
    }
    return search.value.searchHouseholds(index.value, query.value)
  })

  function rows(labels: RowLabels): LedgerRow[] {
    if (hits.value) {
      const f = filters
      const active = f.tag || f.visit || f.gridId
      const found: LedgerRow[] = []
      for (const h of hits.value) {
        const item = byId.value.get(h.id)
        if (item && (!active || matchesFilters(item, f, today.value, parentOf.value))) found.push({ kind: 'household', key: h.id, item, path: '' })
      }
      const path = labels.results(found.length)
      for (const r of found) if (r.kind === 'household') r.path = path
      return found
    }
    return groupRows(filtered.value, labels)
  }

  let stops: (() => void)[] = []
  function watch(): void {
    if (stops.length) return
    const db = appDb()
    const fail = (err: unknown) => (loadError.value = err instanceof Error ? err.message : String(err))
    stops.push(watchLedgerData(db, (d) => ((today.value = dayNumber(Date.now(), communityTimeZone())), (data.value = d)), fail))
    stops.push(watchCadenceVisits(db, (v) => (visits.value = v), fail))
  }
  function unwatch(): void {
    for (const s of stops) s()
    stops = []
  }

  /** Build the search index ahead of the first keystroke, when the phone has a moment. */
  function warmIndex(): void {
    const run = () => void loadSearch().then(() => void index.value)
    const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback
    if (idle) idle(run, { timeout: 2000 })
    else setTimeout(run, 0)
  }

  function householdItem(id: string): LedgerItem | undefined {
    return byId.value.get(id)
  }

  /** Households the candidate may duplicate, read from the database (not only what is loaded). */
  async function duplicatesOf(candidate: DuplicateCandidate): Promise<DuplicateMatch[]> {
    const all = data.value?.households ?? (await loadLedgerData(appDb())).households
    return findDuplicates(candidate, all)
  }

  let repo: Repository | null = null
  const saving = ref(false)
  async function save(id: string | null, fields: NewRecord<'households'> | RecordPatch<'households'>): Promise<Household> {
    saving.value = true
    try {
      repo ??= new Repository(appDb())
      const saved = id
        ? await updateHousehold(repo, id, fields as RecordPatch<'households'>)
        : await createHousehold(repo, fields as NewRecord<'households'>)
      useSyncStore().notifyLocalWrite()
      return saved
    } finally {
      saving.value = false
    }
  }

  function load(id: string) {
    return getHousehold(appDb(), id)
  }
  function building(id: string | null) {
    return getBuilding(appDb(), id)
  }

  return {
    loaded, loadError, query,
    /** A query is waiting for the search to load (the first search of the session). */
    searchPending: computed(() => !!query.value.trim() && !index.value), filters, today, items, grids, hits, saving,
    rows, watch, unwatch, warmIndex, householdItem, duplicatesOf, save, load, building,
    buildings: computed(() => data.value?.buildings ?? []),
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLedgerStore, import.meta.hot))
