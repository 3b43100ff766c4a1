/**
 * The supervisor console's aggregates (issue 11) against a small community whose answers are
 * known (consoleFixture.ts), and against the demo generator's patrols counted independently.
 */
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { seedDemo } from '../../server/seed'
import { generateCommunity, DEMO_NOW } from '../../demo/generate'
import { dayOf as dayIn, isoWeekOf as weekIn } from '../../src/domain/calendar'
import { dayNumber, dueState } from '../../src/domain/cadence'
import { buildTestApp, injectJson, login, testDatabases, useTestApp, type LoggedIn } from './helper'
import { B1, B2, DAY, NOW, PATROL_DAY, consoleSession, type ConsoleFixture } from './consoleFixture'

const dayOf = (t: number) => dayIn(t, 'Asia/Shanghai')
const isoWeekOf = (t: number) => weekIn(t, 'Asia/Shanghai')

describe.each(testDatabases())('supervisor console on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let fx: ConsoleFixture
  let boss: LoggedIn
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    ;({ fx, boss } = await consoleSession(db, app))
  }, { app: { now: () => NOW } })

  const get = (url: string, who: LoggedIn = boss) => injectJson(app, { method: 'GET', url, headers: who.headers })

  it('is for supervisors only', async () => {
    const worker = await login(app, 'w1', fx.w1.password)
    for (const url of ['/api/supervisor/overview', `/api/supervisor/tracks?day=${PATROL_DAY}&workerId=${fx.w1.id}`, '/api/reports/weekly?week=2026-W47', '/api/audit']) {
      expect((await get(url, worker)).status, url).toBe(403)
      expect((await injectJson(app, { method: 'GET', url })).status, url).toBe(401)
    }
  })

  it('overview lists the grid tree and the workers', async () => {
    const res = await get('/api/supervisor/overview')
    expect(res.status).toBe(200)
    expect(res.body.grids.map((g: { code: string }) => g.code).sort()).toEqual(['C', 'G1', 'G1-1', 'G2', 'G2-1'])
    expect(res.body.workers.map((w: { name: string }) => w.name).sort()).toEqual(['李强', '王芳'])
  })

  describe('轨迹回放', () => {
    it("replays a worker's day: coverage, stops, the annotated gap, pins, simplified track", async () => {
      const res = await get(`/api/supervisor/tracks?day=${PATROL_DAY}&workerId=${fx.w1.id}`)
      expect(res.status).toBe(200)
      expect(res.body.patrols).toHaveLength(1)
      const p = res.body.patrols[0]
      expect(p).toMatchObject({ id: fx.patrol.id, workerName: '王芳', gridName: '第一网格', pointCount: fx.rawPoints.length })
      // Buildings 1 and 2 of the grid were passed; building 3 is 1 km away; the other grid's not counted.
      expect(p.coverage).toEqual({ buildingsPassed: 2, buildingsTotal: 3, checklistDone: 3, checklistTotal: 4, problems: 1 })
      expect(p.durationMs).toBe(fx.patrol.endedAt! - fx.patrol.startedAt)
      expect(p.distanceM).toBeGreaterThan(150)
      expect(p.distanceM).toBeLessThan(200)
      expect(p.stops).toHaveLength(1)
      expect(p.stops[0]).toMatchObject({ from: fx.stopFrom })
      expect(Math.abs(p.stops[0].lng - B1[0])).toBeLessThan(0.0001)
      expect(p.gaps).toEqual([{ from: fx.gapFrom, to: fx.gapTo, reason: '进入地下车库，无信号' }])
      expect(p.pins.map((x: { kind: string; id: string }) => [x.kind, x.id]).sort()).toEqual(
        [['issue', fx.issues.ia.id], ['visit', fx.visit.id]].sort(),
      )
      const visitPin = p.pins.find((x: { kind: string }) => x.kind === 'visit')
      expect([visitPin.lng, visitPin.lat]).toEqual(B2)
      // Simplified for drawing: the 21 fixes at the stop collapse, the ends stay.
      expect(p.track.length).toBeLessThan(fx.rawPoints.length / 2)
      expect(p.track[0]).toEqual(fx.rawPoints[0].slice(0, 3))
      expect(p.track.at(-1)).toEqual(fx.rawPoints.at(-1)!.slice(0, 3))
    })

    it('finds the same patrol by grid, none on another day or grid, and refuses bad questions', async () => {
      expect((await get(`/api/supervisor/tracks?day=${PATROL_DAY}&gridId=${fx.g1}`)).body.patrols).toHaveLength(1)
      expect((await get(`/api/supervisor/tracks?day=${PATROL_DAY}&gridId=${fx.g2}`)).body.patrols).toHaveLength(0)
      expect((await get(`/api/supervisor/tracks?day=2026-11-19&workerId=${fx.w1.id}`)).body.patrols).toHaveLength(0)
      expect((await get(`/api/supervisor/tracks?day=${PATROL_DAY}`)).status).toBe(400)
      const bad = await get(`/api/supervisor/tracks?day=2026-02-30&workerId=${fx.w1.id}`)
      expect(bad.status).toBe(400)
      expect(bad.body.message).toContain('2026-02-30')
      expect((await get(`/api/supervisor/tracks?day=${PATROL_DAY}&gridId=019a0000-0000-7000-8000-000000000000`)).status).toBe(404)
    })
  })

  it('日日巡: grids × days with who patrolled and the checklist coverage; gaps counted', async () => {
    const res = await get('/api/supervisor/daily?from=2026-11-19&to=2026-11-21')
    expect(res.status).toBe(200)
    expect(res.body.days).toEqual(['2026-11-19', '2026-11-20', '2026-11-21'])
    const [g1, g2] = res.body.grids
    expect(g1.gridName).toBe('第一网格')
    expect(g1.cells.map((c: { patrols: number }) => c.patrols)).toEqual([0, 1, 0])
    expect(g1.cells[1]).toEqual({ day: '2026-11-20', patrols: 1, workerIds: [fx.w1.id], coverage: 0.75 })
    expect(g1.gaps).toBe(2)
    expect(g2.gaps).toBe(3)
    // Today (NOW is 2026-11-21 noon) is in the window and counted; tomorrow is shown, not a gap yet.
    expect(res.body.today).toBe('2026-11-21')
    expect(g1.counted).toBe(3)
    const ahead = await get('/api/supervisor/daily?from=2026-11-19&to=2026-11-22')
    expect(ahead.body.grids[0]).toMatchObject({ gaps: 2, counted: 3 })
    expect(ahead.body.grids[0].cells).toHaveLength(4)
    expect((await get('/api/supervisor/daily?from=2026-11-21&to=2026-11-19')).status).toBe(400)
    expect((await get('/api/supervisor/daily?from=2026-01-01&to=2026-11-19')).status).toBe(400)
  })

  it('走访覆盖: due, visited and overdue per grid and worker; special groups first', async () => {
    const res = await get('/api/supervisor/coverage?week=2026-W47')
    expect(res.status).toBe(200)
    expect(res.body.totals).toEqual({ households: 4, due: 3, visited: 1, overdue: 2, visits: 2 })
    const byGrid = Object.fromEntries(res.body.grids.map((g: { gridName: string }) => [g.gridName, g]))
    expect(byGrid['第一网格']).toMatchObject({ households: 3, due: 2, visited: 1, overdue: 1 })
    expect(byGrid['第二网格']).toMatchObject({ households: 1, due: 1, visited: 0, overdue: 1 })
    const w1 = res.body.workers.find((w: { workerId: string }) => w.workerId === fx.w1.id)
    expect(w1).toMatchObject({ due: 2, visited: 1, overdue: 1, visits: 2, householdsVisited: 2 })
    expect(res.body.overdue.map((h: { id: string }) => h.id)).toEqual([fx.households.h1.id, fx.households.h4.id])
    expect(res.body.overdue[0]).toMatchObject({ special: true, daysOverdue: 3 })
    // h4, never visited: its clock runs from the day it was recorded (cadence.ts dueState).
    const h4 = dueState(fx.households.h4, [], dayNumber(NOW))
    expect(h4.status).toBe('overdue')
    expect(res.body.overdue[1]).toMatchObject({ special: false, lastVisitAt: null, daysOverdue: h4.overdueDays })
    const b1 = res.body.buildings.find((b: { buildingId: string }) => b.buildingId === fx.buildings[0].id)
    expect(b1).toMatchObject({ households: 2, due: 2, visited: 1, location: B1 })
    // A month: October had no visits at all, so everything with a cadence was due and unvisited.
    const oct = await get('/api/supervisor/coverage?month=2026-10')
    expect(oct.body.totals).toMatchObject({ due: 3, visited: 0, visits: 0 })
    expect((await get('/api/supervisor/coverage?week=2026-W54')).status).toBe(400)
    expect((await get('/api/supervisor/coverage')).status).toBe(400)
  })

  it('事件督办: overdue first, on-time rate per level (7135), average satisfaction', async () => {
    const res = await get('/api/supervisor/issues')
    expect(res.status).toBe(200)
    expect(res.body.issues.map((i: { id: string }) => i.id)).toEqual([fx.issues.ia.id, fx.issues.ic.id, fx.issues.ib.id])
    expect(res.body.issues[0]).toMatchObject({ status: 'assigned', overdue: true, deadline: fx.issues.ia.reportedAt + DAY })
    expect(res.body.issues[2]).toMatchObject({ status: 'closed', overdue: false, onTime: true, rating: 4 })
    expect(res.body.byStatus).toEqual({ assigned: 1, reported: 1, closed: 1 })
    expect(res.body.levels).toEqual([
      { level: 'micro', total: 1, judged: 1, onTime: 0, onTimeRate: 0 },
      { level: 'grid', total: 1, judged: 1, onTime: 1, onTimeRate: 1 },
      { level: 'street', total: 1, judged: 0, onTime: 0, onTimeRate: null },
    ])
    expect(res.body.averageRating).toBe(4)
    expect((await get('/api/supervisor/issues?status=open')).body.issues).toHaveLength(2)
  })

  it('周报: JSON and a workbook exceljs opens, with the same figures', async () => {
    const res = await get('/api/reports/weekly?week=2026-W47')
    expect(res.status).toBe(200)
    expect(res.body.days[0]).toBe('2026-11-16')
    expect(res.body.issues).toMatchObject({ found: 3, closed: 1, stillOpen: 2 })
    expect(res.body.issues.byCategory).toEqual([
      { category: 'fire_safety', label: '消防安全', found: 1, closed: 0 },
      { category: 'sanitation', label: '环境卫生', found: 1, closed: 1 },
      { category: 'public_facility', label: '公共设施', found: 1, closed: 0 },
    ])
    expect(res.body.visits).toEqual({ total: 2, byOutcome: { met: 1, absent: 1, refused: 0 }, byChannel: { door: 1, phone: 1 } })
    expect(res.body.patrols.find((p: { gridName: string }) => p.gridName === '第一网格')).toMatchObject({ patrols: 1, daysPatrolled: 1, days: 7, coverage: 0.75 })

    const xlsx = await app.inject({ method: 'GET', url: '/api/reports/weekly?week=2026-W47&format=xlsx', headers: boss.headers })
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '事件', '巡查'])
    const summary = wb.getWorksheet('概况')!
    // Weeks and dates read as the console writes them, never as ids.
    expect(summary.getCell('A1').value).toBe('周报（周周清）2026年第47周 11月16日–22日')
    expect(JSON.stringify(wb.getWorksheet('事件')!.getSheetValues())).not.toMatch(/\d{4}-\d{2}-\d{2}|W\d\d/)
    const figure = (label: string) => (summary.getSheetValues().find((r) => Array.isArray(r) && r[1] === label) as unknown[] | undefined)?.[2]
    expect(figure('发现事件')).toBe(3)
    expect(figure('办结（销号）事件')).toBe(1)
    expect(figure('走访次数')).toBe(2)
    expect((await get('/api/reports/weekly?week=2026-W60')).status).toBe(400)
  })
})

describe.each(testDatabases())('console against the demo community on $name', (tdb) => {
  it('counts exactly the patrols the demo generated, per grid and day, and replays them', async () => {
    const db = await tdb.open()
    const app = await buildTestApp(db, { now: () => DEMO_NOW })
    try {
      const demo = generateCommunity({ households: 200, patrolDays: 5 })
      await seedDemo(db, demo, 'demo-pass-1')
      const from = dayOf(DEMO_NOW - 5 * DAY)
      const to = dayOf(DEMO_NOW - DAY)
      // Two communities: each supervisor sees the patrols of their own (server/sync/scope.ts).
      const grids = new Map(demo.records.grids.map((g) => [g.id, g]))
      const topGrid = (id: string): string => {
        const g = grids.get(id)!
        return g.level === 'micro' && g.parentId ? topGrid(g.parentId) : g.id
      }
      expect(demo.communityIds).toHaveLength(2)
      const seen = new Set<string>()
      for (const [username, communityId] of [['supervisor', demo.communityIds[0]], ['supervisor2', demo.communityIds[1]]] as const) {
        const boss = await login(app, username, 'demo-pass-1')
        const res = await injectJson(app, { method: 'GET', url: `/api/supervisor/daily?from=${from}&to=${to}`, headers: boss.headers })
        expect(res.status).toBe(200)
        const expected = new Map<string, number>()
        for (const p of demo.records.patrols) {
          if (grids.get(p.gridId)!.communityId !== communityId) continue
          const k = `${topGrid(p.gridId)}|${dayOf(p.startedAt)}`
          expected.set(k, (expected.get(k) ?? 0) + 1)
          seen.add(p.id)
        }
        const got = new Map<string, number>()
        for (const g of res.body.grids) for (const c of g.cells) if (c.patrols) got.set(`${g.gridId}|${c.day}`, c.patrols)
        expect(expected.size, username).toBeGreaterThan(0)
        expect(got, username).toEqual(expected)
      }
      // Every patrol of the demo belongs to one of the two communities.
      expect(seen.size).toBe(demo.records.patrols.length)
      expect(demo.records.patrols.length).toBeGreaterThan(10)

      // The last patrol, replayed by the supervisor of its community.
      const p = demo.records.patrols.at(-1)!
      const boss = await login(app, grids.get(p.gridId)!.communityId === demo.communityIds[0] ? 'supervisor' : 'supervisor2', 'demo-pass-1')
      const replay = await injectJson(app, { method: 'GET', url: `/api/supervisor/tracks?day=${dayOf(p.startedAt)}&workerId=${p.workerId}`, headers: boss.headers })
      expect(replay.body.patrols).toHaveLength(1)
      expect(replay.body.patrols[0]).toMatchObject({ id: p.id, pointCount: p.pointCount, gaps: expect.any(Array) })
      expect(replay.body.patrols[0].coverage.buildingsPassed).toBeGreaterThan(0)
    } finally {
      await app.close()
      await db.close()
    }
  })
})

describe.each(testDatabases())('visit coverage against the phones\' cadence rules on $name', (tdb) => {
  it("overdue households are exactly those src/domain/cadence dueState finds overdue, phone calls and members' tags included", async () => {
    const db = await tdb.open()
    const app = await buildTestApp(db, { now: () => DEMO_NOW })
    try {
      const demo = generateCommunity({ households: 300, secondCommunity: false })
      // Some visits were phone calls: they count, except for households a worker must see at the door.
      demo.records.visits.forEach((v, i) => {
        if (i % 3 === 0) v.channel = 'phone'
      })
      // A member's tag counts while the member lives there (an 80-year-old moved in; one moved out).
      demo.records.households.forEach((h, i) => {
        if (i % 2 !== 0 || !h.members.length) return
        h.members[0] = { ...h.members[0], tags: [...h.members[0].tags, 'advanced_age'], status: i % 4 === 0 ? 'moved_out' : 'present' }
      })
      expect(demo.records.visits.some((v) => v.channel === 'phone' && demo.records.households.find((h) => h.id === v.householdId)!.tags.includes('living_alone_elder'))).toBe(true)
      await seedDemo(db, demo, 'demo-pass-1')
      const boss = await login(app, 'supervisor', 'demo-pass-1')
      const res = await injectJson(app, { method: 'GET', url: `/api/supervisor/coverage?week=${isoWeekOf(DEMO_NOW)}`, headers: boss.headers })
      expect(res.status).toBe(200)

      const today = dayNumber(DEMO_NOW)
      const visits = demo.records.visits.filter((v) => v.startedAt < DEMO_NOW)
      const overdue = new Map<string, number>()
      for (const h of demo.records.households) {
        const s = dueState(h, visits, today)
        if (s.status === 'overdue') overdue.set(h.id, s.overdueDays)
      }
      expect(overdue.size).toBeGreaterThan(0)
      expect(res.body.totals.overdue).toBe(overdue.size)
      expect(res.body.totals.households).toBe(demo.records.households.length)
      for (const o of res.body.overdue) expect([o.id, o.daysOverdue]).toEqual([o.id, overdue.get(o.id)])
    } finally {
      await app.close()
      await db.close()
    }
  })
})
