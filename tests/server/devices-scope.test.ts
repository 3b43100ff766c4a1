/**
 * Issue 7 item 1, devices: a supervisor lists and revokes only the devices of the users in their
 * community; an admin all of them. PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { buildTestApp, injectJson, login, testDatabases } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

describe.each(testDatabases())('devices by community on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    t = await twoCommunities(db, app, '', (username) => `dev-${username}`)
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const listed = async (who: keyof TwoCommunities['as']) => {
    const res = await injectJson(app, { method: 'GET', url: '/api/devices', headers: t.as[who].headers })
    expect(res.status).toBe(200)
    return (res.body.devices as { id: string; userId: string }[]).map((d) => `${d.id}/${d.userId}`).sort()
  }
  const revoke = (who: keyof TwoCommunities['as'], deviceId: string, userId?: string) =>
    injectJson(app, { method: 'POST', url: `/api/devices/${deviceId}/revoke`, headers: t.as[who].headers, payload: userId ? { userId } : {} })
  const pullStatus = async (auth: { headers: { authorization: string } }) =>
    (await app.inject({ method: 'GET', url: '/api/sync/pull?limit=1', headers: auth.headers })).statusCode

  it('lists the devices of one’s own community only; an admin lists every device', async () => {
    const key = (u: keyof TwoCommunities['users']) => `dev-${t.users[u].username}/${t.users[u].id}`
    expect(await listed('sup1')).toEqual([key('sup1'), key('wa'), key('wb')].sort())
    expect(await listed('sup2')).toEqual([key('sup2'), key('wx')].sort())
    expect(await listed('admin')).toEqual(expect.arrayContaining([key('sup1'), key('sup2'), key('wa'), key('wb'), key('wx'), key('admin')]))
  })

  it('refuses to revoke another community’s device as unknown, and it keeps working', async () => {
    const res = await revoke('sup1', `dev-${t.users.wx.username}`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: 'device_not_found', message: expect.any(String) })
    const named = await revoke('sup1', `dev-${t.users.wx.username}`, t.users.wx.id)
    expect(named.status).toBe(404)
    expect(await pullStatus(t.as.wx)).toBe(200)
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'device.revoke'")
    expect(rows[0].n).toBe(0)
  })

  it('revokes a device of its own community', async () => {
    const res = await revoke('sup1', `dev-${t.users.wb.username}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ ok: true, userIds: [t.users.wb.id] })
    expect(await pullStatus(t.as.wb)).toBe(401)
  })

  it('revoking a phone shared across communities switches it off only for one’s own users', async () => {
    const shared = 'shared-phone-01'
    const asA = await login(app, t.users.wa.username, t.users.wa.password, shared)
    const asX = await login(app, t.users.wx.username, t.users.wx.password, shared)
    const res = await revoke('sup1', shared)
    expect(res.status).toBe(200)
    expect(res.body.userIds).toEqual([t.users.wa.id])
    expect(await pullStatus(asA)).toBe(401)
    expect(await pullStatus(asX)).toBe(200)
    // the other community's supervisor sees that phone as active for their worker
    const theirs = (await injectJson(app, { method: 'GET', url: '/api/devices', headers: t.as.sup2.headers })).body.devices as { id: string; revoked: boolean }[]
    expect(theirs.find((d) => d.id === shared)).toMatchObject({ revoked: false })
  })
})
