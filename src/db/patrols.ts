/**
 * Patrols (日日巡) on the phone: start, the track as it is walked, checklist answers, gap notes,
 * the end. Every synced write goes through the Repository (record + outbox in one transaction).
 *
 * The track: each fix the filter keeps is stored at once in a small per-patrol buffer beside the
 * records (meta `track:<patrolId>`), in the same transaction as its judgement — a killed app loses
 * no kept point. Every SEGMENT_POINTS points (or SEGMENT_MS) the buffer becomes one immutable
 * `trackSegments` record through the Repository, in the compact encoding. Segments of ~10 minutes
 * keep the per-record overhead (ids, stamps, outbox entry) small against the points they carry;
 * the patrol's distance and point count are written when it pauses or ends, not with every
 * segment (an outbox entry each; bench/patrol.ts measures the bytes).
 */
import type { Patrol, TrackPoint, TrackSegment } from '../domain/entities'
import { distanceM, encodeTrack, judgeFix, quantizePoint, segmentPoints, type FixVerdict } from '../domain/track'
import type { NewRecord, Repository } from './repository'
import type { FullGridDb } from './schema'
import { watchTables } from './watch'

/** Points per stored segment (a fix every 5 s: ten minutes; 48 records for an 8-hour day). */
export const SEGMENT_POINTS = 120
/** A segment is closed at the latest this long after its first point, however slow the walk. */
export const SEGMENT_MS = 10 * 60_000

/** What the phone keeps of a running patrol's track beside the stored segments. */
export interface TrackBuffer {
  /** Next segment's seq. */
  seq: number
  /** Kept points not yet in a segment. */
  points: TrackPoint[]
  /** The last kept point (in a segment or the buffer): the filter judges new fixes against it. */
  last: TrackPoint | null
  distanceM: number
  pointCount: number
  /** Paused by the worker: no tracking until 继续 (survives a reload). */
  paused: boolean
}

const bufferKey = (patrolId: string) => `track:${patrolId}`
const emptyBuffer = (): TrackBuffer => ({ seq: 0, points: [], last: null, distanceM: 0, pointCount: 0, paused: false })

async function readBuffer(db: FullGridDb, patrolId: string): Promise<TrackBuffer> {
  const row = await db.meta.get(bufferKey(patrolId))
  return (row?.value as TrackBuffer | undefined) ?? emptyBuffer()
}

async function writeBuffer(db: FullGridDb, patrolId: string, buffer: TrackBuffer): Promise<void> {
  await db.meta.put({ key: bufferKey(patrolId), value: buffer })
}

export function trackBuffer(db: FullGridDb, patrolId: string): Promise<TrackBuffer> {
  return readBuffer(db, patrolId)
}

/** The worker's patrol still running on this phone (endedAt null), newest first. */
export async function activePatrolOf(db: FullGridDb, workerId: string): Promise<Patrol | null> {
  const mine = await db.patrols.where('workerId').equals(workerId).filter((p) => !p.deleted && p.endedAt === null).toArray()
  mine.sort((a, b) => b.startedAt - a.startedAt)
  return mine[0] ?? null
}

/** 日日巡 of some grids as this phone knows it: their names, the day's patrols, who walked them. */
export interface PatrolDay {
  /** Grid names by id; a grid not (yet) on the phone is missing — the first download brings it. */
  gridNames: Map<string, string>
  /** Patrols of these grids that started at or after the day's start: the worker's own and their colleagues'. */
  patrols: Patrol[]
  /** Names of the people on this phone, by user id. */
  people: Map<string, string>
}

export async function readPatrolDay(db: FullGridDb, gridIds: readonly string[], since: number): Promise<PatrolDay> {
  return db.transaction('r', [db.grids, db.patrols, db.users], async () => {
    const grids = await db.grids.bulkGet([...gridIds])
    const patrols = await db.patrols.where('gridId').anyOf([...gridIds]).filter((p) => !p.deleted && p.startedAt >= since).toArray()
    const users = await db.users.toArray()
    return {
      gridNames: new Map(grids.filter((g) => g && !g.deleted).map((g) => [g!.id, g!.name])),
      patrols,
      people: new Map(users.filter((u) => !u.deleted).map((u) => [u.id, u.name])),
    }
  })
}

/**
 * Follow 日日巡 of some grids: read now and again whenever grids, patrols or users change — so
 * names that arrive with the first download, and a colleague's patrol that arrives by sync, show
 * without a reload. `since` is asked on every read (the day moves on at midnight).
 */
export function watchPatrolDay(
  db: FullGridDb,
  gridIds: readonly string[],
  since: () => number,
  onData: (day: PatrolDay) => void,
  onError: (err: unknown) => void,
): () => void {
  return watchTables(db, ['grids', 'patrols', 'users'], () => readPatrolDay(db, gridIds, since()), onData, onError, 300)
}

export async function startPatrol(db: FullGridDb, repo: Repository, patrol: NewRecord<'patrols'>): Promise<Patrol> {
  return db.transaction('rw', [db.patrols, db.outbox, db.meta], async () => {
    const saved = await repo.create('patrols', patrol)
    await writeBuffer(db, saved.id, emptyBuffer())
    return saved
  })
}

const TRACK_TABLES = (db: FullGridDb) => [db.patrols, db.trackSegments, db.outbox, db.meta]

async function flushInside(db: FullGridDb, repo: Repository, patrol: Patrol, buffer: TrackBuffer): Promise<TrackBuffer> {
  if (!buffer.points.length) return buffer
  // Stored in the compact encoding: ~10 bytes a point instead of ~50 (bench/patrol.ts).
  await repo.create('trackSegments', { patrolId: patrol.id, workerId: patrol.workerId, seq: buffer.seq, points: [], encoded: encodeTrack(buffer.points) })
  return { ...buffer, seq: buffer.seq + 1, points: [] }
}

export interface FixResult {
  verdict: FixVerdict | 'paused' | 'ended'
  /** The point as stored, when kept. */
  point: TrackPoint | null
}

/**
 * One GPS fix of a running patrol: judged against the last kept point; kept points are stored
 * before this resolves. A paused or ended patrol records nothing.
 */
export async function recordFix(db: FullGridDb, repo: Repository, patrolId: string, fix: TrackPoint): Promise<FixResult> {
  return db.transaction('rw', TRACK_TABLES(db), async () => {
    const patrol = await db.patrols.get(patrolId)
    if (!patrol || patrol.deleted || patrol.endedAt !== null) return { verdict: 'ended', point: null }
    let buffer = await readBuffer(db, patrolId)
    if (buffer.paused) return { verdict: 'paused', point: null }
    // Judged and kept at the precision the segment encoding stores, so what is shown now is
    // exactly what is read back later.
    const point = quantizePoint(fix)
    const verdict = judgeFix(buffer.last, point)
    if (verdict !== 'keep') return { verdict, point: null }
    const step = buffer.last ? distanceM([buffer.last[1], buffer.last[2]], [point[1], point[2]]) : 0
    buffer = { ...buffer, points: [...buffer.points, point], last: point, distanceM: buffer.distanceM + step, pointCount: buffer.pointCount + 1 }
    if (buffer.points.length >= SEGMENT_POINTS || point[0] - buffer.points[0][0] >= SEGMENT_MS) {
      buffer = await flushInside(db, repo, patrol, buffer)
    }
    await writeBuffer(db, patrolId, buffer)
    return { verdict, point }
  })
}

/** 暂停 / 继续: a pause stores what is buffered, so a paused phone holds no unsent points. */
export async function setPatrolPaused(db: FullGridDb, repo: Repository, patrolId: string, paused: boolean): Promise<void> {
  await db.transaction('rw', TRACK_TABLES(db), async () => {
    const patrol = await db.patrols.get(patrolId)
    if (!patrol) return
    let buffer = await readBuffer(db, patrolId)
    if (paused) {
      buffer = await flushInside(db, repo, patrol, buffer)
      await repo.update('patrols', patrolId, { distanceM: Math.round(buffer.distanceM), pointCount: buffer.pointCount })
    }
    await writeBuffer(db, patrolId, { ...buffer, paused })
  })
}

/** 结束巡查: the last points become a segment and the patrol gets its end, distance and count. */
export async function endPatrol(db: FullGridDb, repo: Repository, patrolId: string, endedAt: number): Promise<Patrol> {
  return db.transaction('rw', TRACK_TABLES(db), async () => {
    const patrol = await db.patrols.get(patrolId)
    if (!patrol) throw new Error(`patrol ${patrolId} not found`)
    const buffer = await flushInside(db, repo, patrol, await readBuffer(db, patrolId))
    const ended = await repo.update('patrols', patrolId, {
      endedAt: Math.max(endedAt, patrol.startedAt),
      distanceM: Math.round(buffer.distanceM),
      pointCount: buffer.pointCount,
    })
    await db.meta.delete(bufferKey(patrolId))
    return ended
  })
}

/** The whole track of a patrol on this phone: stored segments in order, then buffered points. */
export async function patrolTrack(db: FullGridDb, patrolId: string): Promise<TrackPoint[]> {
  return db.transaction('r', [db.trackSegments, db.meta], async () => {
    const segments: TrackSegment[] = await db.trackSegments.where('[patrolId+seq]').between([patrolId, -Infinity], [patrolId, Infinity]).toArray()
    const buffer = await db.meta.get(bufferKey(patrolId))
    const points = segments.filter((s) => !s.deleted).flatMap((s) => segmentPoints(s))
    return buffer ? points.concat((buffer.value as TrackBuffer).points) : points
  })
}

export function savePatrolAnswers(repo: Repository, patrolId: string, answers: Patrol['answers']): Promise<Patrol> {
  return repo.update('patrols', patrolId, { answers })
}

export function savePatrolGapNotes(repo: Repository, patrolId: string, gapNotes: NonNullable<Patrol['gapNotes']>): Promise<Patrol> {
  return repo.update('patrols', patrolId, { gapNotes })
}
