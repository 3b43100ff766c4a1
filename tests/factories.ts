/**
 * One set of factories for records, users and grids, shared by unit, integration and server
 * tests. Each returns a whole, valid record (it passes its entity's schema) with fresh ids;
 * `over` replaces any field. For the phone's Repository, `newRecord(rec)` drops what the
 * Repository makes itself (hlc, deleted).
 *
 *   const g = grid()
 *   const h = household(g.id, { room: '302' })
 *   await repo.create('households', newRecord(h))
 */
import { formatHlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import type { Building, Grid, Household, Issue, IssueEvent, Patrol, TrackSegment, User, Visit } from '../src/domain/entities'

/** A fixed moment (2025-11-23) for tests that pin the clock. */
export const T0 = 1_763_880_000_000

/** An HLC stamp of `node` at `wall` (fixtures are written by a made-up device 'fixture'). */
export function stamp(wall: number = Date.now(), node = 'fixture', counter = 0): string {
  return formatHlc({ wall, counter, node })
}

const base = () => ({ id: uuidv7(), hlc: stamp(), deleted: false })

export function grid(over: Partial<Grid> = {}): Grid {
  return {
    ...base(), communityId: uuidv7(), parentId: null, level: 'grid', name: '第一网格', code: 'G01', boundary: null, workerIds: [],
    ...over,
  }
}

export function user(over: Partial<User> = {}): User {
  return { ...base(), name: '李网格', role: 'worker', gridIds: [], phone: '', ...over }
}

export function building(gridId: string, over: Partial<Building> = {}): Building {
  return { ...base(), gridId, compound: '幸福小区', name: '3号楼', location: [116.4, 39.9], units: 2, floors: 6, ...over }
}

export function household(gridId: string, over: Partial<Household> = {}): Household {
  return {
    ...base(), gridId, buildingId: null, unit: '1单元', room: '101', address: '幸福小区3号楼1单元101', headName: '王秀英',
    phone: '13800000000', members: [], tags: ['living_alone_elder'], health: '', situation: '', needs: '', notes: '',
    ...over,
  }
}

export function visit(h: Pick<Household, 'id' | 'gridId'>, workerId: string, over: Partial<Visit> = {}): Visit {
  const now = over.endedAt ?? Date.now()
  return {
    ...base(), householdId: h.id, gridId: h.gridId, workerId, startedAt: now - 60_000, endedAt: now,
    outcome: 'met', answers: {}, notes: '身体不错', needs: '', photoIds: [], followUp: false,
    ...over,
  }
}

export function patrol(gridId: string, workerId: string, over: Partial<Patrol> = {}): Patrol {
  return {
    ...base(), gridId, workerId, startedAt: (over.startedAt ?? Date.now()) - 3_600_000, endedAt: null, checklistId: uuidv7(),
    answers: [], distanceM: 0, pointCount: 0,
    ...over,
  }
}

export function segment(p: Pick<Patrol, 'id' | 'workerId'>, seq = 0, over: Partial<TrackSegment> = {}): TrackSegment {
  return { ...base(), patrolId: p.id, workerId: p.workerId, seq, points: [[Date.now(), 116.4, 39.9, 5]], ...over }
}

export function issue(gridId: string, reportedBy: string, over: Partial<Issue> = {}): Issue {
  return {
    ...base(), gridId, householdId: null, type: 'issue', source: 'patrol', category: 'ebike_charging', title: '楼道电动车充电',
    description: '', photoIds: [], level: 'micro', reportedAt: Date.now(), reportedBy,
    ...over,
  }
}

let eventAt = Date.now()
/** An event; `at` increases from call to call unless given, so events sort in the order made. */
export function issueEvent(
  issueId: string,
  type: IssueEvent['type'],
  actorId: string,
  data: IssueEvent['data'] = {},
  over: Partial<IssueEvent> = {},
): IssueEvent {
  // Never before an issue made just now: an event earlier than its issue's report is refused.
  eventAt = Math.max(eventAt + 1, Date.now())
  return { ...base(), issueId, type, actorId, at: eventAt, data, ...over }
}

/** What a feature hands the Repository: the record without the fields the Repository makes. */
export function newRecord<T extends { id: string; hlc: string; deleted: boolean }>(rec: T): Omit<T, 'hlc' | 'deleted'> {
  const { hlc: _hlc, deleted: _deleted, ...rest } = rec
  return rest
}
