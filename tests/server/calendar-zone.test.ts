/**
 * FULLGRID_TIME_ZONE reaches every calendar of the server: a community in America/New_York
 * (daylight saving until 1 November 2026, a 25-hour day) sees its patrols, visits and overdue
 * days on its own calendar, not on Shanghai's, and /api/config hands the zone to the phones.
 * The console fixture's moments were chosen in Shanghai; in New York they fall on other days.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { dayNumber, dayOf } from '../../src/domain/calendar'
import { dueState, type CadenceVisit } from '../../src/domain/cadence'
import { uuidv7 } from '../../src/domain/ids'
import type { Household, Patrol, Visit } from '../../src/domain/entities'
import { injectJson, serverHlc, testDatabases, useTestApp, type LoggedIn } from './helper'
import { HOUR, NOW, PATROL_DAY, consoleSession, type ConsoleFixture } from './consoleFixture'

const NY = 'America/New_York'
/** Sunday 15 November 2026, 16:00 in New York: week 46 there, Monday 05:00 (week 47) in Shanghai. */
const SUNDAY_AFTERNOON = Date.UTC(2026, 10, 15, 21)
/** 1 November 2026, 23:30 in New York (EST, after the 25-hour day's change): 2 November 04:30 UTC. */
const LONG_DAY_LATE = Date.UTC(2026, 10, 2, 4, 30)

describe.each(testDatabases())('the community calendar in another zone, on $name', (tdb) => {
  let app: FastifyInstance
  let fx: ConsoleFixture
  let boss: LoggedIn
  useTestApp(tdb, async (db: Database, a) => {
    app = a
    ;({ fx, boss } = await consoleSession(db, app))
    const base = { hlc: serverHlc(NOW - 30 * 24 * HOUR), deleted: false as const }
    const visit: Visit = {
      ...base, id: uuidv7(SUNDAY_AFTERNOON), householdId: fx.households.h3.id, gridId: fx.m1, workerId: fx.w1.id,
      startedAt: SUNDAY_AFTERNOON, endedAt: SUNDAY_AFTERNOON + 600_000, location: null, outcome: 'met', answers: {},
      notes: '', needs: '', photoIds: [], followUp: false,
    }
    const late: Patrol = {
      ...fx.patrol, ...base, id: uuidv7(LONG_DAY_LATE), gridId: fx.g2, workerId: fx.w2.id, startedAt: LONG_DAY_LATE,
      endedAt: LONG_DAY_LATE + 600_000, answers: [], pointCount: 0, distanceM: 0, gapNotes: [],
    }
    await db.transaction(async (tx) => {
      await putWholeRecords(tx, 'visits', [visit])
      await putWholeRecords(tx, 'patrols', [late])
    })
  }, { app: { now: () => NOW, timeZone: NY }, per: 'file' })

  const get = (url: string) => injectJson(app, { method: 'GET', url, headers: boss.headers })

  it('hands the zone to the phones', async () => {
    expect((await injectJson(app, { method: 'GET', url: '/api/config' })).body.timeZone).toBe(NY)
  })

  it('日日巡 and 轨迹回放 put a patrol on its day in New York, today included, across the 25-hour day', async () => {
    // The fixture's patrol: 20 November 09:00 in Shanghai is 19 November 20:00 in New York.
    const daily = await get('/api/supervisor/daily?from=2026-11-19&to=2026-11-21')
    expect(daily.status).toBe(200)
    // NOW (21 November noon in Shanghai) is 20 November 23:00 in New York.
    expect(daily.body.today).toBe('2026-11-20')
    const g1 = daily.body.grids.find((g: { gridId: string }) => g.gridId === fx.g1)
    expect(g1.cells.map((c: { patrols: number }) => c.patrols)).toEqual([1, 0, 0])
    // 21 November has not begun in New York: shown, not counted as a gap.
    expect(g1).toMatchObject({ gaps: 1, counted: 2 })
    expect((await get(`/api/supervisor/tracks?day=2026-11-19&workerId=${fx.w1.id}`)).body.patrols).toHaveLength(1)
    expect((await get(`/api/supervisor/tracks?day=${PATROL_DAY}&workerId=${fx.w1.id}`)).body.patrols).toHaveLength(0)

    // 23:30 on the day New York's clocks go back is still 1 November, though a fixed −4 h says 2 November.
    const autumn = await get('/api/supervisor/daily?from=2026-11-01&to=2026-11-02')
    const g2 = autumn.body.grids.find((g: { gridId: string }) => g.gridId === fx.g2)
    expect(g2.cells.map((c: { patrols: number }) => c.patrols)).toEqual([1, 0])
    const replay = await get(`/api/supervisor/tracks?day=2026-11-01&workerId=${fx.w2.id}`)
    expect(replay.body.patrols).toHaveLength(1)
  })

  it('走访覆盖 and 周报 count weeks from Monday to Sunday in New York', async () => {
    // The Sunday-afternoon visit belongs to week 46 in New York (in Shanghai it would be week 47),
    // beside the visit of 11 November; week 47 keeps the fixture's other two.
    const w46 = await get('/api/supervisor/coverage?week=2026-W46')
    expect(w46.status).toBe(200)
    expect(w46.body.from).toBe(Date.UTC(2026, 10, 9, 5))
    expect(w46.body.totals.visits).toBe(2)
    expect((await get('/api/supervisor/coverage?week=2026-W47')).body.totals.visits).toBe(2)
    const weekly = await get('/api/reports/weekly?week=2026-W46')
    expect(weekly.body.days).toEqual(['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'])
    expect(weekly.body.visits.total).toBe(2)
    const w47 = await get('/api/reports/weekly?week=2026-W47')
    expect(w47.body.patrols.find((p: { gridId: string }) => p.gridId === fx.g1)).toMatchObject({ daysPatrolled: 1, days: 7 })
    // A month in New York: November begins 1 November 00:00 EDT.
    expect((await get('/api/supervisor/coverage?month=2026-11')).body.from).toBe(Date.UTC(2026, 10, 1, 4))
  })

  it('overdue days are the phone rule (cadence.ts) counted in New York, across the change of clocks', async () => {
    // h4, never visited, was recorded at NOW − 60 days: 22 September 00:00 in New York (EDT), the
    // 21st on a fixed EST offset; its weekly clock runs from that day. h1 (living alone) was last
    // visited on 11 November, after the change.
    const res = await get('/api/supervisor/coverage?week=2026-W47')
    const today = dayNumber(NOW, NY)
    expect(dayOf(NOW, NY)).toBe('2026-11-20')
    const door = (h: Household, startedAt: number): CadenceVisit => ({ householdId: h.id, deleted: false, startedAt, channel: 'door' })
    const { h1, h3, h4 } = fx.households
    const cases: [Household, CadenceVisit[]][] = [
      [h1, [door(h1, NOW - 10 * 24 * HOUR)]],
      [h3, [door(h3, fx.visit.startedAt), door(h3, SUNDAY_AFTERNOON)]],
      [h4, []],
    ]
    for (const [h, visits] of cases) {
      const state = dueState(h, visits, today, NY)
      const listed = res.body.overdue.find((o: { id: string }) => o.id === h.id)
      if (state.status === 'overdue') expect(listed?.daysOverdue, h.headName).toBe(state.overdueDays)
      else expect(listed, h.headName).toBeUndefined()
    }
    expect(dueState(fx.households.h4, [], today, NY)).toMatchObject({ status: 'overdue' })
  })
})
