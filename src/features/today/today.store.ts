/**
 * 今日: the households due for a visit today and overdue, from the cadence rules in src/domain,
 * kept current as visits are saved and records sync (liveQuery over households and visits).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef, watch as watchValue } from 'vue'
import { appDb } from '@/db'
import { watchOverdueIssueCount } from '@/db/issues'
import { watchLedgerData, type LedgerData } from '@/db/households'
import { watchCadenceVisits } from '@/db/visits'
import { dayNumber, dueState, type CadenceVisit } from '@/domain/cadence'
import { communityTimeZone } from '@/ui/time'
import { useBadgesStore } from '@/app/session/badges.store'
import { countDue, dueToday, type DueItem, type Position } from './today.models'

export const useTodayStore = defineStore('today', () => {
  const data = shallowRef<LedgerData | null>(null)
  const visits = shallowRef<CadenceVisit[] | null>(null)
  const position = ref<Position | null>(null)
  const today = ref(dayNumber(Date.now(), communityTimeZone()))
  const loaded = computed(() => data.value !== null && visits.value !== null)

  const list = computed<DueItem[]>(() => {
    const d = data.value
    if (!d || !visits.value) return []
    const buildings = new Map(d.buildings.map((b) => [b.id, b]))
    const byHousehold = new Map<string, CadenceVisit[]>()
    for (const v of visits.value) {
      const l = byHousehold.get(v.householdId)
      if (l) l.push(v)
      else byHousehold.set(v.householdId, [v])
    }
    const items = d.households.map((household) => ({
      household,
      building: (household.buildingId && buildings.get(household.buildingId)) || null,
      due: dueState(household, byHousehold.get(household.id) ?? [], today.value, communityTimeZone()),
    }))
    return dueToday(items, position.value)
  })
  const counts = computed(() => countDue(list.value))
  const householdCount = computed(() => data.value?.households.length ?? 0)
  // The 今日 tab shows how many are due (a badge), once the list is known.
  watchValue(
    () => (loaded.value ? counts.value.all : 0),
    (n) => useBadgesStore().set('today', n),
  )

  let stops: (() => void)[] = []
  /** Open issues past their 7135 deadline, counted on 今日 (issue 10). */
  const overdueIssues = ref(0)
  function watch(): void {
    if (stops.length) return
    const db = appDb()
    stops.push(watchLedgerData(db, (d) => ((today.value = dayNumber(Date.now(), communityTimeZone())), (data.value = d)), () => {}))
    stops.push(watchCadenceVisits(db, (v) => ((today.value = dayNumber(Date.now(), communityTimeZone())), (visits.value = v)), () => {}))
    stops.push(watchOverdueIssueCount(db, (n) => (overdueIssues.value = n)))
    void locateIfAllowed()
  }
  function unwatch(): void {
    for (const s of stops) s()
    stops = []
  }

  /** Nearest-first ordering only when location is already granted: this page never prompts. */
  async function locateIfAllowed(): Promise<void> {
    const nav = globalThis.navigator
    if (!nav?.geolocation || !nav.permissions?.query) return
    try {
      const status = await nav.permissions.query({ name: 'geolocation' as PermissionName })
      if (status.state !== 'granted') return
      nav.geolocation.getCurrentPosition(
        (p) => (position.value = { lat: p.coords.latitude, lng: p.coords.longitude }),
        () => {},
        { timeout: 5000, maximumAge: 120_000 },
      )
    } catch {
      // Permissions API missing or refused: walking order by compound and building.
    }
  }

  return { loaded, list, counts, householdCount, overdueIssues, position, watch, unwatch }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTodayStore, import.meta.hot))
