/**
 * The patrol write path on the phone (src/db/patrols.ts): every kept fix is stored when it
 * arrives, segments and the patrol go through the Repository with their outbox entries, and a
 * new page (a reload, a killed app) finds the whole track.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId } from '@/db'
import { SEGMENT_POINTS, activePatrolOf, endPatrol, patrolTrack, recordFix, savePatrolGapNotes, setPatrolPaused, startPatrol, trackBuffer, watchPatrolDay, type PatrolDay } from '@/db/patrols'
import { uuidv7 } from '@/domain/ids'
import type { TrackPoint } from '@/domain/entities'
import { ENTITIES } from '@/domain/entities'
import { grid as makeGrid, patrol as makePatrol, user as makeUser } from '../factories'
import { GAP_MS, decodeTrack, findGaps, quantizePoint } from '@/domain/track'

const T0 = 1_763_880_000_000
const M_LAT = 1 / 111_195
/** A fix `north` metres north of the start at second s. */
const fix = (s: number, north: number, acc = 5): TrackPoint => quantizePoint([T0 + s * 1000, 120.52, 36.86 + north * M_LAT, acc])

let n = 0
let db: FullGridDb
let repo: Repository
const workerId = uuidv7()
const gridId = uuidv7()

async function start() {
  return startPatrol(db, repo, {
    gridId, workerId, startedAt: T0, endedAt: null, checklistId: uuidv7(), checklistVersion: 1, answers: [], distanceM: 0, pointCount: 0, gapNotes: [],
  })
}

beforeEach(async () => {
  db = new FullGridDb(`patrols-${n++}`)
  await ensureDeviceId(db, () => 'phone1')
  repo = new Repository(db, { now: () => T0 })
})
afterEach(async () => {
  db.close()
  await db.delete()
})

describe('recording a patrol track', () => {
  it('keeps fixes at the precision the encoding stores (seconds, 1e-6 degrees, metres)', async () => {
    const patrol = await start()
    const raw: TrackPoint = [T0 + 1234, 120.5200004, 36.8600006, 7.4]
    expect((await recordFix(db, repo, patrol.id, raw)).point).toEqual([T0 + 1000, 120.52, 36.860001, 7])
  })

  it('stores kept fixes at once and drops filtered ones', async () => {
    const patrol = await start()
    const verdicts = []
    for (const f of [fix(0, 0), fix(5, 2), fix(10, 10, 80), fix(15, 12), fix(16, 400)]) verdicts.push((await recordFix(db, repo, patrol.id, f)).verdict)
    expect(verdicts).toEqual(['keep', 'too_close', 'inaccurate', 'keep', 'too_fast'])
    // A new page with a new database connection sees both kept points (nothing only in memory).
    const reopened = new FullGridDb(db.name)
    expect(await patrolTrack(reopened, patrol.id)).toEqual([fix(0, 0), fix(15, 12)])
    reopened.close()
  })

  it('turns every SEGMENT_POINTS kept points into an immutable, encoded segment with an outbox entry', async () => {
    const patrol = await start()
    const total = SEGMENT_POINTS * 2 + 7
    for (let i = 0; i < total; i++) await recordFix(db, repo, patrol.id, fix(i * 5, i * 10))
    const segments = await db.trackSegments.toArray()
    expect(segments.map((s) => [s.seq, decodeTrack(s.encoded!).length, s.points.length])).toEqual([[0, SEGMENT_POINTS, 0], [1, SEGMENT_POINTS, 0]])
    for (const s of segments) expect(ENTITIES.trackSegments.schema.safeParse(s).success).toBe(true)
    const queued = await db.outbox.where('recordId').anyOf(segments.map((s) => s.id)).count()
    expect(queued).toBe(2)
    // The patrol's totals wait for a pause or the end (one outbox entry, not one per segment).
    expect((await db.patrols.get(patrol.id))!.pointCount).toBe(0)
    expect((await trackBuffer(db, patrol.id)).points).toHaveLength(7)
    expect(await patrolTrack(db, patrol.id)).toHaveLength(total)
  })

  it('a pause stores the buffer, records nothing until resumed, and survives a reload', async () => {
    const patrol = await start()
    await recordFix(db, repo, patrol.id, fix(0, 0))
    await recordFix(db, repo, patrol.id, fix(10, 20))
    await setPatrolPaused(db, repo, patrol.id, true)
    expect(await db.trackSegments.count()).toBe(1)
    expect((await db.patrols.get(patrol.id))!.pointCount).toBe(2)
    expect((await recordFix(db, repo, patrol.id, fix(20, 40))).verdict).toBe('paused')
    expect((await trackBuffer(new FullGridDb(db.name), patrol.id)).paused).toBe(true)
    await setPatrolPaused(db, repo, patrol.id, false)
    expect((await recordFix(db, repo, patrol.id, fix(30, 60))).verdict).toBe('keep')
    expect(await patrolTrack(db, patrol.id)).toEqual([fix(0, 0), fix(10, 20), fix(30, 60)])
  })

  it('ending stores the last points, the distance and count, and leaves no running patrol', async () => {
    const patrol = await start()
    expect((await activePatrolOf(db, workerId))?.id).toBe(patrol.id)
    for (let i = 0; i < 11; i++) await recordFix(db, repo, patrol.id, fix(i * 10, i * 10))
    const ended = await endPatrol(db, repo, patrol.id, T0 + 200_000)
    expect(ended.endedAt).toBe(T0 + 200_000)
    expect(ended.pointCount).toBe(11)
    expect(ended.distanceM).toBeGreaterThanOrEqual(99)
    expect(ended.distanceM).toBeLessThanOrEqual(101)
    expect(await activePatrolOf(db, workerId)).toBeNull()
    expect(await patrolTrack(db, patrol.id)).toHaveLength(11)
    expect((await recordFix(db, repo, patrol.id, fix(500, 500))).verdict).toBe('ended')
    // Every change of the patrol travels: create, then updates of distance/count/end.
    const entries = await db.outbox.where('recordId').equals(patrol.id).toArray()
    const merged = Object.assign({}, ...entries.sort((a, b) => a.hlc.localeCompare(b.hlc)).map((e) => e.fields))
    expect(merged).toMatchObject({ endedAt: T0 + 200_000, pointCount: 11, gridId })
  })

  it('a gap in the track is found and its explanation travels with the patrol', async () => {
    const patrol = await start()
    const gapS = GAP_MS / 1000 + 60
    for (const f of [fix(0, 0), fix(10, 20), fix(10 + gapS, 40), fix(20 + gapS, 60)]) await recordFix(db, repo, patrol.id, f)
    await endPatrol(db, repo, patrol.id, T0 + (30 + gapS) * 1000)
    const [gap] = findGaps(await patrolTrack(db, patrol.id))
    expect(gap).toEqual({ from: T0 + 10_000, to: T0 + (10 + gapS) * 1000 })
    await savePatrolGapNotes(repo, patrol.id, [{ ...gap, reason: '地下车库没有信号' }])
    expect((await db.patrols.get(patrol.id))!.gapNotes).toEqual([{ ...gap, reason: '地下车库没有信号' }])
    const entries = await db.outbox.where('recordId').equals(patrol.id).toArray()
    expect(entries.some((e) => JSON.stringify(e.fields.gapNotes) === JSON.stringify([{ ...gap, reason: '地下车库没有信号' }]))).toBe(true)
  })
})

describe('日日巡 of the worker\'s grids (watchPatrolDay)', () => {
  it('names a grid once its record arrives and shows a colleague\'s patrol as it syncs in, without a reload', async () => {
    const days: PatrolDay[] = []
    const stop = watchPatrolDay(db, [gridId], () => T0, (d) => days.push(d), (err) => { throw err })
    await until(() => days.length >= 1)
    // First login: the grid record is not on the phone yet — no name, never its id.
    expect(days[0].gridNames.has(gridId)).toBe(false)
    await db.grids.put(makeGrid({ id: gridId, name: '第一网格' }))
    await until(() => days.at(-1)!.gridNames.get(gridId) === '第一网格')
    const colleague = makeUser({ name: '王芳', gridIds: [gridId] })
    await db.users.put(colleague)
    await db.patrols.bulkPut([
      makePatrol(gridId, colleague.id, { startedAt: T0 + 60_000, endedAt: T0 + 3_600_000 }),
      // Yesterday's and another grid's patrols are not today's in this grid.
      makePatrol(gridId, colleague.id, { startedAt: T0 - 3_600_000, endedAt: T0 - 60_000 }),
      makePatrol(uuidv7(), colleague.id, { startedAt: T0 + 60_000, endedAt: null }),
    ])
    await until(() => days.at(-1)!.patrols.length === 1)
    expect(days.at(-1)!.patrols[0]).toMatchObject({ workerId: colleague.id, endedAt: T0 + 3_600_000 })
    expect(days.at(-1)!.people.get(colleague.id)).toBe('王芳')
    stop()
  })
})

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(ok()).toBe(true)
}
