/**
 * 巡查: the worker's patrol on this phone. Location is read ONLY while a patrol the worker
 * started is running and not paused (DESIGN §8.5); every fix goes to the database before the
 * next one is judged (src/db/patrols.ts). A reload or a restarted phone finds the running patrol
 * in IndexedDB and carries on.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef, toRaw, watch } from 'vue'
import { Repository, appDb } from '@/db'
import { reportIssue } from '@/db/issues'
import { gridMapRecords, type GridMapRecords } from '@/db/map'
import {
  activePatrolOf,
  endPatrol,
  patrolTrack,
  readPatrolDay,
  recordFix,
  savePatrolAnswers,
  savePatrolGapNotes,
  setPatrolPaused,
  startPatrol,
  trackBuffer,
  watchPatrolDay,
  type PatrolDay,
} from '@/db/patrols'
import { addPhoto as addPhotoBlob } from '@/ui/photo'
import type { Checklist, Issue, Patrol, TrackPoint } from '@/domain/entities'
import { coveredBuildingIds, trackDistanceM } from '@/domain/track'
import { useAccountStore } from '@/app/session/account.store'
import { checklistFor } from '@/db/checklists'
import { itemsForVersion } from '@/domain/checklists'
import { useSyncStore } from '@/app/session/sync.store'
import { usePwaStore } from '@/app/pwa.store'
import { loadAppConfig } from '@/features/map/map.config'
import type { MapPosition } from '@/features/map/map.models'
import { buildingsNotPassed, dayStart, endedToday, todayPatrolStates, type GridPatrolToday } from './patrol.models'

type Answer = Patrol['answers'][number]
export type TrackingState = 'off' | 'tracking' | 'paused' | 'denied' | 'unavailable'

export interface ProblemReport {
  itemId: string
  title: string
  description: string
  category: Issue['category']
  level: Issue['level']
}

export const usePatrolStore = defineStore('patrol', () => {
  const grids = ref<{ id: string; name: string }[]>([])
  const today = ref<GridPatrolToday[]>([])
  /** The worker's own patrols ended today: their 巡查小结 opens again from the 巡查 tab. */
  const ended = shallowRef<Patrol[]>([])
  const mapRecords = shallowRef<GridMapRecords | null>(null)
  const active = shallowRef<Patrol | null>(null)
  const checklist = shallowRef<Checklist | null>(null)
  const points = shallowRef<TrackPoint[]>([])
  const position = shallowRef<MapPosition | null>(null)
  const tracking = ref<TrackingState>('off')
  const wakeLocked = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const busy = ref(false)
  // A new app version waits while a patrol records (DESIGN §8.4): a reload would drop the GPS watch.
  watch(active, (patrol) => usePwaStore().hold('patrol', patrol !== null && !patrol.endedAt), { immediate: true })

  const gridBuildings = computed(() => {
    const rec = mapRecords.value
    const gridId = active.value?.gridId
    if (!rec || !gridId) return rec?.buildings ?? []
    const inGrid = new Set(rec.grids.filter((g) => g.id === gridId || g.parentId === gridId).map((g) => g.id))
    return rec.buildings.filter((b) => inGrid.has(b.gridId))
  })
  const passedIds = computed(() => new Set(coveredBuildingIds(points.value, gridBuildings.value)))
  const passedCount = computed(() => passedIds.value.size)
  const notPassed = computed(() => buildingsNotPassed(gridBuildings.value, passedIds.value))
  const distanceM = computed(() => trackDistanceM(points.value))

  let repo: Repository | null = null
  const repository = () => (repo ??= new Repository(appDb()))
  let watchId: number | null = null
  let wakeLock: { release(): Promise<void> } | null = null
  /** Fixes are stored one after another, in the order they arrive. */
  let chain: Promise<unknown> = Promise.resolve()
  let timeZone = 'Asia/Shanghai'

  function user() {
    const u = useAccountStore().user
    if (!u) throw new Error('not logged in')
    return u
  }

  /** Everything the tab shows; resumes a running patrol (after a reload or a restart). */
  async function load(): Promise<void> {
    await loadToday()
    mapRecords.value = await gridMapRecords(appDb(), user().gridIds)
    loaded.value = true
  }

  /** Today's state per grid (日日巡 on 今日), resuming a running patrol; no map data. */
  async function loadToday(): Promise<void> {
    const db = appDb()
    const u = user()
    timeZone = (await loadAppConfig()).timeZone
    await refreshToday()
    followToday()
    const running = await activePatrolOf(db, u.id)
    if (running && running.id !== active.value?.id) await resume(running)
  }

  /** Read today's state now (after a start or an end: the screen must not wait for the watch). */
  async function refreshToday(): Promise<void> {
    const u = user()
    showDay(await readPatrolDay(appDb(), u.gridIds, dayStart(Date.now(), timeZone)), u.gridIds)
  }

  function showDay(day: PatrolDay, gridIds: readonly string[]): void {
    const me = useAccountStore().user?.id ?? null
    const now = Date.now()
    // A grid whose record has not arrived yet has no name to show: never its id (the view says 网格).
    grids.value = gridIds.map((id) => ({ id, name: day.gridNames.get(id) ?? '' }))
    today.value = todayPatrolStates(day.patrols, grids.value, now, timeZone, me, (id) => day.people.get(id) ?? '')
    ended.value = me ? endedToday(day.patrols, me, now, timeZone) : []
  }

  /**
   * Keep following the day while the app runs: grid names arrive with the first download after
   * login, colleagues' patrols by sync. One watch per user and grids.
   */
  let followed: { key: string; stop: () => void } | null = null
  function followToday(): void {
    const u = user()
    const key = `${u.id}|${u.gridIds.join(',')}`
    if (followed?.key === key) return
    followed?.stop()
    const gridIds = [...u.gridIds]
    const stop = watchPatrolDay(appDb(), gridIds, () => dayStart(Date.now(), timeZone), (day) => showDay(day, gridIds), (err) => {
      error.value = err instanceof Error ? err.message : String(err)
    })
    followed = { key, stop }
  }

  async function resume(patrol: Patrol): Promise<void> {
    const db = appDb()
    // Everything read first, then shown at once: the screen never says "0 points" of a resumed patrol.
    const [list, track, buffer] = await Promise.all([db.checklists.get(patrol.checklistId), patrolTrack(db, patrol.id), trackBuffer(db, patrol.id)])
    // The items of the version the patrol was started with, even if a newer one arrived since.
    checklist.value = list ? { ...list, items: itemsForVersion(list, patrol.checklistVersion), version: patrol.checklistVersion ?? list.version } : null
    points.value = track
    active.value = patrol
    if (buffer.paused) tracking.value = 'paused'
    else startTracking()
  }

  /** 开始巡查 in a grid, with the current patrol checklist. */
  async function start(gridId: string): Promise<void> {
    const db = appDb()
    const list = await checklistFor(db, 'patrol', user().gridIds)
    if (!list) throw new Error('no_checklist')
    busy.value = true
    try {
      const patrol = await startPatrol(db, repository(), {
        gridId,
        workerId: user().id,
        startedAt: Date.now(),
        endedAt: null,
        checklistId: list.id,
        checklistVersion: list.version,
        answers: [],
        distanceM: 0,
        pointCount: 0,
        gapNotes: [],
      })
      useSyncStore().notifyLocalWrite()
      active.value = patrol
      checklist.value = list
      points.value = []
      startTracking()
      await refreshToday()
    } finally {
      busy.value = false
    }
  }

  function onFix(pos: GeolocationPosition): void {
    const patrol = active.value
    if (!patrol) return
    const { longitude: lng, latitude: lat, accuracy } = pos.coords
    position.value = { lng, lat, accuracy }
    const fix: TrackPoint = [Math.round(pos.timestamp), lng, lat, Math.round(accuracy * 10) / 10]
    chain = chain
      .then(() => recordFix(appDb(), repository(), patrol.id, fix))
      .then((r) => {
        if (r.point && active.value?.id === patrol.id) points.value = [...points.value, r.point]
      })
      .catch((err) => {
        error.value = err instanceof Error ? err.message : String(err)
      })
  }

  function startTracking(): void {
    const geo = globalThis.navigator?.geolocation
    if (!geo) {
      tracking.value = 'unavailable'
      return
    }
    if (watchId === null) {
      watchId = geo.watchPosition(onFix, (err) => {
        if (err.code === err.PERMISSION_DENIED) tracking.value = 'denied'
      }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60_000 })
    }
    tracking.value = 'tracking'
    void lockScreen()
  }

  function stopTracking(next: TrackingState): void {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId)
    watchId = null
    tracking.value = next
    void unlockScreen()
  }

  /** Screen wake lock where the browser offers it: a dark screen stops the GPS on most phones. */
  async function lockScreen(): Promise<void> {
    const wl = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock
    if (!wl || wakeLock || document.visibilityState !== 'visible') return
    try {
      wakeLock = await wl.request('screen')
      wakeLocked.value = true
    } catch {
      wakeLocked.value = false
    }
  }

  async function unlockScreen(): Promise<void> {
    const lock = wakeLock
    wakeLock = null
    wakeLocked.value = false
    await lock?.release().catch(() => undefined)
  }

  // The browser drops a wake lock when the page is hidden; take it again on return.
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && tracking.value === 'tracking') {
        wakeLock = null
        void lockScreen()
      }
    })
  }

  async function pause(): Promise<void> {
    const patrol = active.value
    if (!patrol) return
    stopTracking('paused')
    await chain
    await setPatrolPaused(appDb(), repository(), patrol.id, true)
    useSyncStore().notifyLocalWrite()
  }

  async function proceed(): Promise<void> {
    const patrol = active.value
    if (!patrol) return
    await setPatrolPaused(appDb(), repository(), patrol.id, false)
    startTracking()
  }

  /** 结束巡查; returns the patrol's id for its summary. */
  async function finish(): Promise<string | null> {
    const patrol = active.value
    if (!patrol) return null
    busy.value = true
    try {
      stopTracking('off')
      await chain
      await endPatrol(appDb(), repository(), patrol.id, Date.now())
      useSyncStore().notifyLocalWrite()
      active.value = null
      points.value = []
      position.value = null
      await refreshToday()
      return patrol.id
    } finally {
      busy.value = false
    }
  }

  async function saveAnswer(itemId: string, patch: Partial<Omit<Answer, 'itemId'>>): Promise<void> {
    const patrol = active.value
    if (!patrol) return
    const current = (await appDb().patrols.get(patrol.id)) ?? patrol
    const answers = current.answers.map((a) => ({ ...a, photoIds: [...a.photoIds] }))
    const i = answers.findIndex((a) => a.itemId === itemId)
    const base: Answer = i >= 0 ? answers[i] : { itemId, status: 'ok', note: '', photoIds: [] }
    const next = { ...base, ...patch }
    if (i >= 0) answers[i] = next
    else answers.push(next)
    active.value = await savePatrolAnswers(repository(), patrol.id, answers)
    useSyncStore().notifyLocalWrite()
  }

  /** A photo for an item: compressed on the phone (long side ≤ 1600 px), stored by its SHA-256. */
  async function addPhoto(itemId: string, file: File): Promise<void> {
    const sha = await addPhotoBlob(file)
    const answer = active.value?.answers.find((a) => a.itemId === itemId)
    await saveAnswer(itemId, { photoIds: [...(answer?.photoIds ?? []), sha].slice(-20) })
  }

  /** 上报事件 from a problem item: position and photos prefilled, linked to the patrol. */
  async function reportProblem(draft: ProblemReport): Promise<Issue> {
    const patrol = active.value
    if (!patrol) throw new Error('no patrol running')
    const u = user()
    const at = Date.now()
    const answer = patrol.answers.find((a) => a.itemId === draft.itemId)
    const last = points.value[points.value.length - 1]
    const here = position.value ?? (last ? { lng: last[1], lat: last[2], accuracy: last[3] } : null)
    const { issue } = await reportIssue(
      appDb(),
      repository(),
      {
        gridId: patrol.gridId,
        type: 'issue',
        source: 'patrol',
        sourceId: patrol.id,
        category: draft.category,
        title: draft.title,
        description: draft.description,
        location: here ? { lng: here.lng, lat: here.lat, accuracy: Math.min(here.accuracy, 100_000) } : null,
        photoIds: answer?.photoIds ?? [],
        level: draft.level,
        reportedAt: at,
        reportedBy: u.id,
      },
      { actorId: u.id, at, data: {} },
    )
    useSyncStore().notifyLocalWrite()
    return issue
  }

  async function saveGapNote(patrolId: string, gap: { from: number; to: number }, reason: string): Promise<Patrol> {
    const db = appDb()
    const patrol = await db.patrols.get(patrolId)
    if (!patrol) throw new Error(`patrol ${patrolId} not found`)
    const notes = (patrol.gapNotes ?? []).filter((n) => !(n.from === gap.from && n.to === gap.to))
    if (reason.trim()) notes.push({ from: gap.from, to: gap.to, reason: reason.trim().slice(0, 200) })
    const saved = await savePatrolGapNotes(repository(), patrolId, toRaw(notes))
    useSyncStore().notifyLocalWrite()
    return saved
  }

  /** Leaving the tab does not stop a patrol: tracking goes on until 暂停 or 结束巡查. */
  return {
    grids,
    today,
    ended,
    mapRecords,
    active,
    checklist,
    points,
    position,
    tracking,
    wakeLocked,
    loaded,
    error,
    busy,
    gridBuildings,
    passedCount,
    notPassed,
    distanceM,
    load,
    loadToday,
    refreshToday,
    start,
    pause,
    proceed,
    finish,
    saveAnswer,
    addPhoto,
    reportProblem,
    saveGapNote,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePatrolStore, import.meta.hot))
