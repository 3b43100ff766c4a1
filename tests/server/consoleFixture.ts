/**
 * A small community with known answers for the supervisor console tests: two grids with a
 * micro-grid each, two workers, a supervisor, three buildings, one patrol with a stop, a gap and
 * pins, four households with different visit cadences (recorded two months before NOW), and three issues at the three levels.
 */
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { uuidv7 } from '../../src/domain/ids'
import { checkIssueEvent } from '../../src/domain/issueRules'
import type { AnyRecord, Building, Checklist, EntityName, Household, Issue, IssueEvent, Patrol, TrackSegment, Visit } from '../../src/domain/entities'
import type { FastifyInstance } from 'fastify'
import { createTestGrid, createTestUser, login, serverHlc, type LoggedIn, type TestUser } from './helper'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
/** 2026-11-21 12:00 in Shanghai. */
export const NOW = Date.UTC(2026, 10, 21, 4)
/** 2026-11-20 00:00 in Shanghai: the day of the patrol. */
export const PATROL_DAY = '2026-11-20'
export const PATROL_DAY_START = Date.UTC(2026, 10, 20) - 8 * HOUR
export const B1: [number, number] = [120.5, 36.87]
export const B2: [number, number] = [120.502, 36.87]

export interface ConsoleFixture {
  community: string
  g1: string
  m1: string
  g2: string
  m2: string
  w1: TestUser
  w2: TestUser
  supervisor: TestUser
  buildings: Building[]
  patrol: Patrol
  rawPoints: [number, number, number, number][]
  stopFrom: number
  stopTo: number
  gapFrom: number
  gapTo: number
  visit: Visit
  households: Record<'h1' | 'h2' | 'h3' | 'h4', Household>
  issues: Record<'ia' | 'ib' | 'ic', Issue>
}

export async function seedConsoleFixture(db: Database): Promise<ConsoleFixture> {
  const community = (await createTestGrid(db, { level: 'community', name: '香港路社区', code: 'C' })).id
  const g1 = (await createTestGrid(db, { communityId: community, parentId: community, name: '第一网格', code: 'G1' })).id
  const m1 = (await createTestGrid(db, { communityId: community, parentId: g1, level: 'micro', name: '第一网格第一微网格', code: 'G1-1' })).id
  const g2 = (await createTestGrid(db, { communityId: community, parentId: community, name: '第二网格', code: 'G2' })).id
  const m2 = (await createTestGrid(db, { communityId: community, parentId: g2, level: 'micro', name: '第二网格第一微网格', code: 'G2-1' })).id
  const w1 = await createTestUser(db, { username: 'w1', name: '王芳', gridIds: [g1] })
  const w2 = await createTestUser(db, { username: 'w2', name: '李强', gridIds: [g2] })
  const supervisor = await createTestUser(db, { username: 'boss', name: '张书记', role: 'supervisor', gridIds: [community] })
  // Everything was recorded two months before NOW (ids carry that time: the visit clock of a
  // household never visited starts on the day it was recorded, src/domain/cadence.ts).
  const recordedAt = NOW - 60 * DAY
  const hlc = serverHlc(recordedAt)
  const base = () => ({ id: uuidv7(recordedAt), hlc, deleted: false as const })

  const building = (name: string, location: [number, number], gridId = m1): Building => ({
    ...base(), gridId, compound: '阳光花园', name, location, footprint: null, units: 2, floors: 6,
  })
  const buildings = [building('1号楼', B1), building('2号楼', B2), building('3号楼', [120.51, 36.88]), building('1号楼', [120.52, 36.86], m2)]
  buildings[3].compound = '水集新村'

  const checklist: Checklist = {
    ...base(), kind: 'patrol', name: '日日巡检查表', version: 1,
    items: ['a', 'b', 'c', 'd'].map((id) => ({ id, label: `检查项${id}`, category: '安全', required: true })),
  }

  // The walk: 5 minutes at building 1, then east to building 2 with a 4-minute gap halfway.
  const start = PATROL_DAY_START + 9 * HOUR
  const points: [number, number, number, number][] = []
  let t = start
  for (let i = 0; i <= 20; i++, t += 15_000) points.push([t, B1[0] + (i % 2) * 0.00001, B1[1], 5])
  const stopTo = t - 15_000
  const steps = 12
  let gapFrom = 0, gapTo = 0
  for (let s = 1; s <= steps; s++) {
    if (s === 6) {
      gapFrom = t - 15_000
      t += 4 * 60_000
      gapTo = t
    }
    const f = s / steps
    points.push([t, Math.round((B1[0] + (B2[0] - B1[0]) * f) * 1e6) / 1e6, B1[1] + (s % 3 === 0 ? 0.00002 : 0), 6])
    t += 15_000
  }
  const endedAt = points[points.length - 1][0]
  const patrol: Patrol = {
    ...base(), gridId: g1, workerId: w1.id, startedAt: start, endedAt, checklistId: checklist.id, checklistVersion: 1,
    answers: [
      { itemId: 'a', status: 'ok', note: '', photoIds: [] },
      { itemId: 'b', status: 'problem', note: '楼道堆物', photoIds: [] },
      { itemId: 'c', status: 'na', note: '', photoIds: [] },
    ],
    distanceM: 180, pointCount: points.length, gapNotes: [{ from: gapFrom + 1000, to: gapTo - 1000, reason: '进入地下车库，无信号' }],
  }
  const segments: TrackSegment[] = [
    { ...base(), patrolId: patrol.id, workerId: w1.id, seq: 0, points: points.slice(0, 20) },
    { ...base(), patrolId: patrol.id, workerId: w1.id, seq: 1, points: points.slice(20) },
  ]

  const household = (gridId: string, b: Building, room: string, tags: Household['tags'], cadenceDays: number | null = null): Household => ({
    ...base(), gridId, buildingId: b.id, unit: '1', room, address: `${b.compound} ${b.name}1单元${room}室`, headName: `住户${room}`,
    phone: '13800000000', members: [], tags, health: '', situation: '', needs: '', notes: '', cadenceDays,
  })
  const households = {
    h1: household(m1, buildings[0], '101', ['living_alone_elder']),
    h2: household(m1, buildings[0], '102', ['empty_nest_elder']),
    h3: household(m1, buildings[1], '201', []),
    h4: household(m2, buildings[3], '301', [], 7),
  }
  const visitOf = (h: Household, at: number, extra: Partial<Visit> & { channel?: string } = {}): Visit => ({
    ...base(), householdId: h.id, gridId: h.gridId, workerId: w1.id, startedAt: at, endedAt: at + 10 * 60_000,
    location: null, outcome: 'met', answers: {}, notes: '', needs: '', photoIds: [], followUp: false, ...extra,
  })
  const visit = visitOf(households.h3, endedAt - 60_000, { location: { lng: B2[0], lat: B2[1], accuracy: 8 } })
  const visits = [
    visitOf(households.h1, NOW - 10 * DAY),
    visitOf(households.h2, NOW - 2 * DAY, { outcome: 'absent', channel: 'phone' }),
    visit,
  ]

  const issue = (level: Issue['level'], reportedAt: number, extra: Partial<Issue> = {}): Issue => ({
    ...base(), gridId: m1, householdId: null, type: 'issue', source: 'resident', sourceId: null, category: 'sanitation',
    title: `${level} 事件`, description: '', location: null, photoIds: [], level, reportedAt, reportedBy: w1.id, ...extra,
  })
  const issues = {
    ia: issue('micro', start + 10 * 60_000, { source: 'patrol', sourceId: patrol.id, location: { lng: B1[0], lat: B1[1] }, category: 'fire_safety', title: '楼道堆放杂物' }),
    ib: issue('grid', NOW - 3 * DAY),
    ic: issue('street', NOW - DAY, { category: 'public_facility', reportedBy: w2.id }),
  }
  const event = (i: Issue, type: IssueEvent['type'], at: number, actorId: string, data: IssueEvent['data'] = {}): IssueEvent => ({
    ...base(), issueId: i.id, type, actorId, at, data,
  })
  const events = [
    event(issues.ia, 'reported', issues.ia.reportedAt, w1.id),
    event(issues.ia, 'assigned', issues.ia.reportedAt + HOUR, supervisor.id, { assigneeId: w1.id }),
    event(issues.ib, 'reported', issues.ib.reportedAt, w1.id),
    event(issues.ib, 'assigned', issues.ib.reportedAt + HOUR, supervisor.id, { assigneeId: w1.id }),
    event(issues.ib, 'accepted', issues.ib.reportedAt + 2 * HOUR, w1.id),
    event(issues.ib, 'resolved', issues.ib.reportedAt + DAY, w1.id, { note: '已清理' }),
    event(issues.ib, 'rated', issues.ib.reportedAt + DAY + HOUR, supervisor.id, { rating: 4 }),
    event(issues.ib, 'closed', issues.ib.reportedAt + DAY + 2 * HOUR, supervisor.id),
    event(issues.ic, 'reported', issues.ic.reportedAt, w2.id),
  ]

  // Written straight to the store, so judge them here as push would: an event the rules refuse
  // (issueRules / issueState) would be skipped by every reader and the answers would silently differ.
  for (const i of Object.values(issues)) {
    const mine = events.filter((e) => e.issueId === i.id)
    for (const [n, e] of mine.entries()) {
      const actor = { id: e.actorId, role: e.actorId === supervisor.id ? 'supervisor' as const : 'worker' as const }
      const refused = checkIssueEvent(mine.slice(0, n), e, actor, { level: i.level, reportedAt: i.reportedAt, reportedBy: i.reportedBy }, { now: NOW })
      if (refused) throw new Error(`fixture event ${e.type} of ${i.title} is refused: ${refused.reason}`)
    }
  }

  const put = (entity: EntityName, records: AnyRecord[]) => db.transaction((tx) => putWholeRecords(tx, entity, records))
  await put('buildings', buildings)
  await put('checklists', [checklist])
  await put('patrols', [patrol])
  await put('trackSegments', segments)
  await put('households', Object.values(households))
  await put('visits', visits)
  await put('issues', Object.values(issues))
  await put('issueEvents', events)
  return {
    community, g1, m1, g2, m2, w1, w2, supervisor, buildings, patrol, rawPoints: points,
    stopFrom: start, stopTo, gapFrom, gapTo, visit, households, issues,
  }
}

/** The fixture seeded and its supervisor (boss) logged in, as the console's API tests start. */
export async function consoleSession(db: Database, app: FastifyInstance): Promise<{ fx: ConsoleFixture; boss: LoggedIn }> {
  const fx = await seedConsoleFixture(db)
  return { fx, boss: await login(app, 'boss', fx.supervisor.password) }
}
