/**
 * One grid worker's morning against the sync API, as the phone's sync engine does it (src/sync):
 *
 *   1. log in (POST /api/auth/login, own username and device id) — `login`, run as a phase of its
 *      own by the bench, since its cost is the password KDF (scrypt), paid once per phone;
 *   2. first sync: pull every page from no cursor (limit PULL_MAX_LIMIT, the app's page size);
 *   3. push the morning's outbox in one batch: 20 door visits to households of their grids, a
 *      one-hour patrol (created, 6 track segments of 120 fixes each in the app's compact encoding,
 *      then ended with its distance and count) — 28 mutations, all stamped by the device's HLC;
 *   4. pull again from the cursor of step 2.
 *
 * Every request is timed per endpoint; anything but a 200 (and `applied` for every mutation) is an
 * error. Records pushed are returned so the bench can check they are on the server exactly once.
 */
import { Hlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import { encodeTrack } from '../src/domain/track'
import { PULL_MAX_LIMIT } from '../src/domain/sync'
import type { TrackPoint } from '../src/domain/entities'

/** The app's page size (src/sync/context.ts). */
export const PULL_LIMIT = PULL_MAX_LIMIT
export const VISITS_PER_MORNING = 20
export const SEGMENTS_PER_PATROL = 6
export const POINTS_PER_SEGMENT = 120
const FIX_EVERY_MS = 5_000

export type Endpoint = 'login' | 'pullFirst' | 'push' | 'pullAgain'

export interface BenchWorker {
  username: string
  password: string
  deviceId: string
}

export interface PushedRecord {
  entity: 'visits' | 'patrols' | 'trackSegments'
  id: string
}

export interface MorningResult {
  ok: boolean
  error?: string
  pushed: PushedRecord[]
  mutationIds: string[]
  /** The push was answered and every mutation applied: `pushed` must be on the server. */
  pushApplied: boolean
  /** Changes in the first sync, and of them households. */
  firstSyncChanges: number
  firstSyncHouseholds: number
  /** Own records seen again in the second pull (may lag on PostgreSQL while other transactions run). */
  ownSeenAgain: number
}

/** Latencies per endpoint in ms, and a count of failed requests. */
export class Recorder {
  readonly ms: Record<Endpoint, number[]> = { login: [], pullFirst: [], push: [], pullAgain: [] }
  requests = 0
  errors = 0
  readonly errorSamples: string[] = []
  bytesIn = 0

  async time<T>(endpoint: Endpoint, f: () => Promise<T>): Promise<T> {
    const t = performance.now()
    this.requests++
    try {
      const r = await f()
      this.ms[endpoint].push(performance.now() - t)
      return r
    } catch (err) {
      this.errors++
      if (this.errorSamples.length < 20) this.errorSamples.push(`${endpoint}: ${String((err as Error).message ?? err).slice(0, 300)}`)
      throw err
    }
  }
}

async function call<T>(rec: Recorder, base: string, path: string, init: RequestInit, timeoutMs: number): Promise<T> {
  const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  const text = await res.text()
  rec.bytesIn += text.length
  if (res.status !== 200) throw new Error(`${init.method ?? 'GET'} ${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`)
  return JSON.parse(text) as T
}

interface Change {
  entity: string
  id: string
  deleted?: boolean
  removed?: boolean
  data?: Record<string, unknown>
}
interface Page {
  changes: Change[]
  cursor: string
  hasMore: boolean
}

async function pullAll(rec: Recorder, base: string, token: string, endpoint: Endpoint, cursor: string | null, timeoutMs: number) {
  const changes: Change[] = []
  for (let pages = 0; pages < 1000; pages++) {
    const qs = new URLSearchParams({ limit: String(PULL_LIMIT) })
    if (cursor) qs.set('cursor', cursor)
    const page = await rec.time(endpoint, () =>
      call<Page>(rec, base, `/api/sync/pull?${qs}`, { headers: { authorization: `Bearer ${token}` } }, timeoutMs),
    )
    changes.push(...page.changes)
    cursor = page.cursor
    if (!page.hasMore) break
  }
  return { changes, cursor: cursor! }
}

interface Mutation {
  id: string
  entity: string
  recordId: string
  op: 'put'
  hlc: string
  fields: Record<string, unknown>
}

/** A walk of `n` fixes every 5 s around a point, ~1.2 m/s, so the patrol has a real distance. */
function track(start: number, lng: number, lat: number, n: number): TrackPoint[] {
  const pts: TrackPoint[] = []
  for (let i = 0; i < n; i++) {
    const a = i / 60
    pts.push([start + i * FIX_EVERY_MS, lng + 0.0015 * Math.sin(a), lat + 0.0012 * Math.cos(a), 8])
  }
  return pts
}

export interface Session {
  token: string
  userId: string
}

/** POST /api/auth/login with the worker's own username and device; null when it failed (recorded). */
export async function login(rec: Recorder, base: string, w: BenchWorker, timeoutMs: number): Promise<Session | null> {
  try {
    const s = await rec.time('login', () =>
      call<{ token: string; user: { id: string } }>(
        rec,
        base,
        '/api/auth/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: w.username, password: w.password, deviceId: w.deviceId, deviceName: 'load bench' }),
        },
        timeoutMs,
      ),
    )
    return { token: s.token, userId: s.user.id }
  } catch {
    return null
  }
}

export async function morning(rec: Recorder, base: string, w: BenchWorker, session: Session, timeoutMs: number): Promise<MorningResult> {
  const result: MorningResult = { ok: false, pushApplied: false, pushed: [], mutationIds: [], firstSyncChanges: 0, firstSyncHouseholds: 0, ownSeenAgain: 0 }
  try {
    const { token, userId } = session
    const first = await pullAll(rec, base, token, 'pullFirst', null, timeoutMs)
    result.firstSyncChanges = first.changes.length
    const households = first.changes.filter((c) => c.entity === 'households' && !c.deleted && !c.removed && c.data)
    result.firstSyncHouseholds = households.length
    if (households.length === 0) throw new Error(`${w.username}: first sync brought no households`)
    const checklist = first.changes.find((c) => c.entity === 'checklists' && c.data?.kind === 'patrol' && !c.deleted)
    if (!checklist) throw new Error(`${w.username}: first sync brought no patrol checklist`)

    // The morning's outbox, stamped in order by the device's own clock (DESIGN §4).
    const clock = new Hlc(w.deviceId)
    const mutations: Mutation[] = []
    const put = (entity: PushedRecord['entity'], fields: Record<string, unknown>, isCreate: boolean, recordId = fields.id as string) => {
      const hlc = clock.now()
      mutations.push({ id: uuidv7(), entity, recordId, op: 'put', hlc, fields: isCreate ? { ...fields, hlc, deleted: false } : fields })
      if (isCreate) result.pushed.push({ entity, id: recordId })
    }
    const now = Date.now()
    const h0 = households[0].data as { gridId: string }
    const patrolStart = now - 3_600_000
    const patrolId = uuidv7(patrolStart)
    put('patrols', {
      id: patrolId, gridId: h0.gridId, workerId: userId, startedAt: patrolStart, endedAt: null,
      checklistId: checklist.id, answers: [], distanceM: 0, pointCount: 0,
    }, true)
    const points = track(patrolStart, 120.51, 36.87, SEGMENTS_PER_PATROL * POINTS_PER_SEGMENT)
    for (let s = 0; s < SEGMENTS_PER_PATROL; s++) {
      const chunk = points.slice(s * POINTS_PER_SEGMENT, (s + 1) * POINTS_PER_SEGMENT)
      put('trackSegments', { id: uuidv7(chunk[0][0]), patrolId, workerId: userId, seq: s, points: [], encoded: encodeTrack(chunk) }, true)
    }
    for (let i = 0; i < VISITS_PER_MORNING; i++) {
      const h = households[(i * 7) % households.length].data as { id: string; gridId: string }
      const endedAt = now - (VISITS_PER_MORNING - i) * 120_000
      put('visits', {
        id: uuidv7(endedAt), householdId: h.id, gridId: h.gridId, workerId: userId, channel: 'door',
        startedAt: endedAt - 600_000, endedAt, location: null, outcome: i % 5 === 4 ? 'absent' : 'met', answers: {},
        notes: `负载测试走访 ${w.username} ${i}`, needs: '', photoIds: [], followUp: false,
      }, true)
    }
    // 结束巡查: the patrol's end, distance and fix count, as a field update of the same record.
    put('patrols', { endedAt: now - 60_000, distanceM: 3200, pointCount: points.length }, false, patrolId)
    result.mutationIds = mutations.map((m) => m.id)

    const answer = await rec.time('push', () =>
      call<{ results: { status: string; reason?: string }[] }>(
        rec,
        base,
        '/api/sync/push',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ deviceId: w.deviceId, mutations }),
        },
        timeoutMs,
      ),
    )
    const notApplied = answer.results.filter((r) => r.status !== 'applied')
    if (notApplied.length || answer.results.length !== mutations.length) {
      rec.errors++
      throw new Error(`${w.username}: ${notApplied.length} of ${mutations.length} mutations not applied: ${notApplied[0]?.reason ?? 'missing results'}`)
    }
    result.pushApplied = true

    const again = await pullAll(rec, base, token, 'pullAgain', first.cursor, timeoutMs)
    const mine = new Set(result.pushed.map((p) => p.id))
    result.ownSeenAgain = again.changes.filter((c) => mine.has(c.id)).length
    result.ok = true
  } catch (err) {
    result.error = String((err as Error).message ?? err).slice(0, 500)
  }
  return result
}

/**
 * Runs `tasks` with at most `concurrency` in flight; stops starting new ones after `deadline`
 * (epoch ms), so a stuck server cannot keep the bench running.
 */
export async function pool<T>(count: number, concurrency: number, deadline: number, task: (i: number) => Promise<T>): Promise<(T | undefined)[]> {
  const out: (T | undefined)[] = new Array(count)
  let next = 0
  const runner = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++
      out[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, runner))
  return out
}
