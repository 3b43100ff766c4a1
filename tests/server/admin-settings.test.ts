/**
 * Issue 18, 社区设置: a community's name, time zone and phone lock time — on PGlite and
 * PostgreSQL. Scope as for the rest of the administration (an admin any community, a supervisor
 * their own, others 404; a worker 403); bad input is a 400 in words with nothing stored; every
 * change is audited in words. Two communities in different zones count the same instant on
 * different days: 日日巡, 走访覆盖, 周报 and the phones' /api/config.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { uuidv7 } from '../../src/domain/ids'
import type { Patrol } from '../../src/domain/entities'
import { injectJson, serverHlc, testDatabases, useTestApp, type LoggedIn } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

const NY = 'America/New_York'
/** Monday 7 December 2026, 10:00 in Shanghai; Sunday 6 December, 21:00 in New York. */
const INSTANT = Date.UTC(2026, 11, 7, 2)

describe.each(testDatabases())('社区设置 on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  useTestApp(
    tdb,
    async (d, a) => {
      db = d
      app = a
      t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
    },
    { app: { now: () => INSTANT + 60 * 60_000 } },
  )

  const url = (id: string) => `/api/admin/communities/${id}/settings`
  const read = (id: string, as: LoggedIn) => injectJson(app, { method: 'GET', url: url(id), headers: as.headers })
  const change = (id: string, as: LoggedIn, payload: Record<string, unknown>) => injectJson(app, { method: 'PATCH', url: url(id), headers: as.headers, payload })
  const stored = async () => (await db.query('SELECT * FROM community_settings')).rows
  const audits = async () => (await db.query<{ action: string; detail: Record<string, unknown> }>(`SELECT action, detail FROM audit_log WHERE action = 'admin.community.settings'`)).rows

  it('shows the defaults (the server zone, 5 minutes) and the base map read-only', async () => {
    const a = await read(t.c1.id, t.as.sup1)
    expect(a.status).toBe(200)
    expect(a.body).toMatchObject({
      community: { id: t.c1.id, name: '香港路社区' },
      settings: { timeZone: 'Asia/Shanghai', lockMinutes: 5 },
      defaults: { timeZone: 'Asia/Shanghai' },
      tiles: { configured: false },
    })
  })

  it('a supervisor changes their own community, audited in words; the name reaches the synced record', async () => {
    const a = await change(t.c1.id, t.as.sup1, { name: ' 香港中路社区 ', timeZone: 'america/new_york', lockMinutes: 10 })
    expect(a.status).toBe(200)
    expect(a.body.settings).toEqual({ timeZone: NY, lockMinutes: 10 })
    expect(a.body.community.name).toBe('香港中路社区')
    const { rows } = await db.query<{ data: { name: string } }>(`SELECT data FROM records WHERE entity = 'grids' AND id = $1`, [t.c1.id])
    expect(rows[0].data.name).toBe('香港中路社区')
    const [entry] = await audits()
    expect(entry.detail).toMatchObject({
      community: '香港中路社区',
      changes: ['名称：香港路社区 → 香港中路社区', '时区：北京时间（Asia/Shanghai） → 纽约时间（America/New_York）', '自动锁定：5 分钟 → 10 分钟'],
    })
    // The same values again change nothing and write no second entry.
    await change(t.c1.id, t.as.sup1, { timeZone: NY, lockMinutes: 10 })
    expect(await audits()).toHaveLength(1)
    // An admin may change any community.
    expect((await change(t.c2.id, t.as.admin, { lockMinutes: 30 })).body.settings.lockMinutes).toBe(30)
  })

  it('scope: another community is 404 to a supervisor, a worker is refused; nothing stored', async () => {
    expect((await read(t.c2.id, t.as.sup1)).status).toBe(404)
    expect((await change(t.c2.id, t.as.sup1, { lockMinutes: 9 })).status).toBe(404)
    expect((await read(t.c1.id, t.as.wa)).status).toBe(403)
    expect((await change(t.c1.id, t.as.wa, { lockMinutes: 9 })).status).toBe(403)
    expect((await change(t.gridA.id, t.as.admin, { lockMinutes: 9 })).status).toBe(404)
    expect(await stored()).toEqual([])
  })

  it('bad input is a readable 400 and stores nothing, not even the good parts', async () => {
    const zone = await change(t.c1.id, t.as.sup1, { name: '新名字', timeZone: 'Mars/Olympus' })
    expect(zone.status).toBe(400)
    expect(zone.body.message).toContain('时区“Mars/Olympus”不存在')
    const lock = await change(t.c1.id, t.as.sup1, { lockMinutes: 0 })
    expect(lock.status).toBe(400)
    expect(lock.body.message).toBe('自动锁定时间应为 1–60 分钟的整数')
    expect((await change(t.c1.id, t.as.sup1, { lockMinutes: 2.5 })).status).toBe(400)
    expect((await change(t.c1.id, t.as.sup1, { name: '  ' })).body.message).toBe('社区名称不能为空')
    expect((await change(t.c1.id, t.as.sup1, { lockMinutes: '5' })).status).toBe(400)
    expect(await stored()).toEqual([])
    expect(await audits()).toEqual([])
    expect((await read(t.c1.id, t.as.sup1)).body.community.name).toBe('香港路社区')
  })

  it('two communities in different zones count the same instant on different days', async () => {
    expect((await change(t.c2.id, t.as.sup2, { timeZone: NY })).status).toBe(200)
    const patrol = (gridId: string, workerId: string): Patrol => ({
      id: uuidv7(INSTANT), hlc: serverHlc(INSTANT), deleted: false, gridId, workerId, startedAt: INSTANT, endedAt: INSTANT + 600_000,
      checklistId: uuidv7(INSTANT), checklistVersion: 1, answers: [], distanceM: 100, pointCount: 0, gapNotes: [],
    })
    await db.transaction(async (tx) => putWholeRecords(tx, 'patrols', [patrol(t.gridA.id, t.users.wa.id), patrol(t.gridX.id, t.users.wx.id)]))

    const daily = async (as: LoggedIn, gridId: string) => {
      const a = await injectJson(app, { method: 'GET', url: '/api/supervisor/daily?from=2026-12-06&to=2026-12-07', headers: as.headers })
      expect(a.status).toBe(200)
      const row = a.body.grids.find((g: { gridId: string }) => g.gridId === gridId)
      return { today: a.body.today, patrols: row.cells.map((c: { patrols: number }) => c.patrols) }
    }
    // Shanghai: Monday 7 December; New York: still Sunday 6 December.
    expect(await daily(t.as.sup1, t.gridA.id)).toEqual({ today: '2026-12-07', patrols: [0, 1] })
    expect(await daily(t.as.sup2, t.gridX.id)).toEqual({ today: '2026-12-06', patrols: [1, 0] })

    // Week 50 begins at Monday 00:00 of each community's own calendar.
    const cover = async (as: LoggedIn) => (await injectJson(app, { method: 'GET', url: '/api/supervisor/coverage?week=2026-W50', headers: as.headers })).body.from
    expect(await cover(t.as.sup1)).toBe(Date.UTC(2026, 11, 6, 16))
    expect(await cover(t.as.sup2)).toBe(Date.UTC(2026, 11, 7, 5))
    const weekly = async (as: LoggedIn, gridId: string) => {
      const a = await injectJson(app, { method: 'GET', url: '/api/reports/weekly?week=2026-W49', headers: as.headers })
      return a.body.patrols.find((p: { gridId: string }) => p.gridId === gridId).daysPatrolled
    }
    // The patrol falls in week 49 (Sunday) in New York, in week 50 in Shanghai.
    expect(await weekly(t.as.sup1, t.gridA.id)).toBe(0)
    expect(await weekly(t.as.sup2, t.gridX.id)).toBe(1)

    // Each phone receives its own community's zone and lock time; before login, the server's.
    const config = (as?: LoggedIn) => injectJson(app, { method: 'GET', url: '/api/config', headers: as?.headers ?? {} })
    expect((await config(t.as.wa)).body).toMatchObject({ timeZone: 'Asia/Shanghai', community: { id: t.c1.id, name: '香港路社区', lockMinutes: 5 } })
    expect((await config(t.as.wx)).body).toMatchObject({ timeZone: NY, community: { id: t.c2.id, timeZone: NY, lockMinutes: 5 } })
    expect((await config()).body).toMatchObject({ timeZone: 'Asia/Shanghai', community: null })
    // A stale token gets the public answer, not a 401.
    const stale = await injectJson(app, { method: 'GET', url: '/api/config', headers: { authorization: 'Bearer nonsense' } })
    expect(stale.status).toBe(200)
    expect(stale.body.community).toBeNull()
  })
})
