/**
 * Issue 18, 人员: accounts, switching off, passwords, 扫码登录 links and 交接 — on PGlite and
 * PostgreSQL. A link is good once, for 24 hours, until revoked; a used, expired or revoked one
 * answers 410 with words and opens no session.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { injectJson, login, testDatabases, useTestApp } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'
import { multipart } from './adminFixtures'
import { create, household, pullAll, push, testClock } from './syncFixtures'

describe.each(testDatabases())('administration of people on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  let clock = 0
  useTestApp(
    tdb,
    async (d, a) => {
      db = d
      app = a
      clock = Date.now()
      t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
    },
    { app: { now: () => clock } },
  )

  const newWorker = (payload: Record<string, unknown> = {}) =>
    injectJson(app, { method: 'POST', url: '/api/admin/people', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, username: 'zhangsan', name: '张三', phone: '13800138000', role: 'worker', gridIds: [t.gridA.id], ...payload } })
  const link = (personId: string, as = t.as.sup1) => injectJson(app, { method: 'POST', url: `/api/admin/people/${personId}/sign-in-links`, headers: as.headers })
  const useLink = (token: string, password = 'new-password-1', deviceId = 'phone-zs') =>
    injectJson(app, { method: 'POST', url: '/api/auth/sign-in-link', payload: { token, password, deviceId } })

  it('creates a worker with their grids; the list names grids, never ids; a duplicate username is refused', async () => {
    const made = await newWorker({ password: 'first-pass-1' })
    expect(made.status).toBe(200)
    expect(made.body.person).toMatchObject({ username: 'zhangsan', name: '张三', role: 'worker', gridNames: ['第一网格'], disabled: false })
    await login(app, 'zhangsan', 'first-pass-1')
    const list = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/people`, headers: t.as.sup1.headers })
    // supervisors first, then the workers
    expect(list.body.people[0].name).toBe('sup1')
    expect(list.body.people.map((p: { name: string }) => p.name).sort()).toEqual(['sup1', 'wa', 'wb', '张三'])
    const dup = await newWorker({ username: 'ZhangSan' })
    expect(dup.status).toBe(409)
    expect(dup.body.message).toBe('用户名“zhangsan”已被使用')
    const grid = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/grids`, headers: t.as.sup1.headers })
    expect(grid.body.grids.find((g: { id: string }) => g.id === t.gridA.id).workerIds).toContain(made.body.person.id)
  })

  it('refuses bad input in words and stores nothing', async () => {
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM credentials')).rows[0].n
    const before = await count()
    expect((await newWorker({ username: 'a b' })).body.message).toContain('用户名只能用')
    expect((await newWorker({ phone: '12345' })).body.message).toContain('手机号“12345”格式不对')
    expect((await newWorker({ password: 'short' })).body.message).toBe('密码至少 8 位')
    expect((await newWorker({ gridIds: [t.gridX.id] })).body.message).toBe('所选网格不在这个社区里')
    expect((await newWorker({ gridIds: [] })).body.message).toBe('网格员至少要负责一个网格')
    expect((await newWorker({ communityId: t.c2.id })).status).toBe(404)
    const asWorker = await injectJson(app, { method: 'POST', url: '/api/admin/people', headers: t.as.wa.headers, payload: { communityId: t.c1.id, username: 'x1', name: 'x', role: 'worker' } })
    expect(asWorker.status).toBe(403)
    expect(await count()).toBe(before)
  })

  it('a supervisor cannot see or change the people of another community', async () => {
    const list = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c2.id}/people`, headers: t.as.sup1.headers })
    expect(list.status).toBe(404)
    const patch = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wx.id}`, headers: t.as.sup1.headers, payload: { disabled: true } })
    expect(patch.status).toBe(404)
    expect((await link(t.users.wx.id)).status).toBe(404)
    await login(app, 'wx', t.users.wx.password, 'dev-wx-2')
  })

  it('switching an account off revokes its devices at once; switching it on lets the same phone back', async () => {
    const me = await injectJson(app, { method: 'GET', url: '/api/me', headers: t.as.wa.headers })
    expect(me.status).toBe(200)
    const off = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup1.headers, payload: { disabled: true } })
    expect(off.body.person).toMatchObject({ disabled: true, devices: 0 })
    const after = await injectJson(app, { method: 'GET', url: '/api/me', headers: t.as.wa.headers })
    expect(after.status).toBe(401)
    expect(after.body.error).toBe('device_revoked')
    const on = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup1.headers, payload: { disabled: false } })
    expect(on.body.person.disabled).toBe(false)
    await login(app, 'wa', t.users.wa.password, 'dev-wa')
    const { rows } = await db.query<{ detail: { changes: string[] } }>(`SELECT detail FROM audit_log WHERE action = 'admin.person.update' ORDER BY id`)
    expect(rows.map((r) => r.detail.changes)).toEqual([['停用账号，所有设备已退出'], ['启用账号']])
  })

  it('resets a password; a worker changes their own on 我的', async () => {
    const reset = await injectJson(app, { method: 'POST', url: `/api/admin/people/${t.users.wa.id}/password`, headers: t.as.sup1.headers, payload: { password: 'reset-pass-1' } })
    expect(reset.status).toBe(200)
    const wa = await login(app, 'wa', 'reset-pass-1', 'dev-wa')
    const wrong = await injectJson(app, { method: 'POST', url: '/api/me/password', headers: wa.headers, payload: { currentPassword: 'nope-nope-1', newPassword: 'mine-pass-1' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.message).toBe('当前密码不正确')
    const ok = await injectJson(app, { method: 'POST', url: '/api/me/password', headers: wa.headers, payload: { currentPassword: 'reset-pass-1', newPassword: 'mine-pass-1' } })
    expect(ok.status).toBe(200)
    await login(app, 'wa', 'mine-pass-1', 'dev-wa')
  })

  it('a sign-in link works once; used, revoked or expired it answers 410 in words', async () => {
    const made = await newWorker()
    const id = made.body.person.id
    const l = await link(id)
    expect(l.status).toBe(200)
    expect(l.body.link.url).toMatch(/^http:\/\/[^/]+\/link#t=/)
    const weak = await useLink(l.body.link.token, 'short')
    expect(weak.status).toBe(400)
    const used = await useLink(l.body.link.token)
    expect(used.status).toBe(200)
    expect(used.body).toMatchObject({ username: 'zhangsan', user: { name: '张三', role: 'worker', gridIds: [t.gridA.id] } })
    const me = await injectJson(app, { method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${used.body.token}` } })
    expect(me.body.user.name).toBe('张三')
    await login(app, 'zhangsan', 'new-password-1', 'phone-zs')
    const again = await useLink(l.body.link.token, 'other-password-1', 'phone-thief')
    expect(again.status).toBe(410)
    expect(again.body.message).toBe('此二维码已使用过，请向督导索取新的二维码')

    const l2 = await link(id)
    const revoke = await injectJson(app, { method: 'POST', url: `/api/admin/sign-in-links/${l2.body.link.id}/revoke`, headers: t.as.sup1.headers })
    expect(revoke.status).toBe(200)
    expect((await useLink(l2.body.link.token)).body.message).toBe('此二维码已作废，请向督导索取新的二维码')

    const l3 = await link(id)
    clock += 24 * 60 * 60 * 1000 + 1
    expect((await useLink(l3.body.link.token)).body.message).toContain('已过期')
    expect((await useLink('not-a-token')).status).toBe(410)

    const history = await injectJson(app, { method: 'GET', url: `/api/admin/people/${id}/sign-in-links`, headers: t.as.sup1.headers })
    expect(history.body.links).toHaveLength(3)
    expect(history.body.links.every((x: { createdBy: string }) => x.createdBy === 'sup1')).toBe(true)
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE '%sign_in_link%' ORDER BY id`)).rows.map((r) => r.action)
    expect(actions).toEqual(['admin.sign_in_link.create', 'auth.sign_in_link', 'admin.sign_in_link.create', 'admin.sign_in_link.revoke', 'admin.sign_in_link.create'])
  })

  it('交接 moves a grid from one worker to another: the leaving phone loses its households, the new one gets them', async () => {
    const sup = testClock('dev-sup1')
    const h = household(t.gridA.id)
    expect((await push(app, t.as.sup1, [create('households', h, sup())]))[0].status).toBe('applied')
    const a = await pullAll(app, t.as.wa)
    const b = await pullAll(app, t.as.wb)
    expect(a.changes.some((c: { id: string }) => c.id === h.id)).toBe(true)
    const notTheirs = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridA.id}/handover`, headers: t.as.sup1.headers, payload: { fromUserId: t.users.wb.id, toUserId: t.users.wb.id } })
    expect(notTheirs.status).toBe(400)
    const done = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridA.id}/handover`, headers: t.as.sup1.headers, payload: { toUserId: t.users.wb.id } })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ grid: { name: '第一网格' }, from: [{ name: 'wa' }], to: { name: 'wb' }, households: 1 })
    const wa = await login(app, 'wa', t.users.wa.password, 'dev-wa')
    expect(wa.user.gridIds).toEqual([])
    const a2 = await pullAll(app, wa, a.cursor)
    expect(a2.changes).toContainEqual({ entity: 'households', id: h.id, removed: true })
    const wb = await login(app, 'wb', t.users.wb.password, 'dev-wb')
    const b2 = await pullAll(app, wb, b.cursor)
    expect(b2.changes.some((c: { id: string; removed?: boolean }) => c.id === h.id && !c.removed)).toBe(true)
    const other = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridX.id}/handover`, headers: t.as.sup1.headers, payload: { toUserId: t.users.wb.id } })
    expect(other.status).toBe(404)
    // Left without a grid, wa still belongs to the community: listed, and can be switched off.
    const listed = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/people`, headers: t.as.sup1.headers })
    expect(listed.body.people).toContainEqual(expect.objectContaining({ id: t.users.wa.id, gridIds: [] }))
    const off = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup2.headers, payload: { disabled: true } })
    expect(off.status).toBe(404)
    const offHere = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup1.headers, payload: { disabled: true } })
    expect([offHere.status, offHere.body.person?.disabled]).toEqual([200, true])
  })

  it('imports a staff sheet: every problem of a row, nothing stored until all rows are right', async () => {
    const csv = ['姓名,用户名,手机,角色,网格', '李四,lisi,13900139000,网格员,第一网格', '王五,wa,139,队长,第九网格', '赵六,zhaoliu,,网格员,第二网格'].join('\n')
    const { payload, headers } = multipart(csv, 'staff.csv')
    const dry = await injectJson(app, { method: 'POST', url: `/api/admin/communities/${t.c1.id}/people/import?dryRun=1`, payload, headers: { ...headers, ...t.as.sup1.headers } })
    expect(dry.status).toBe(200)
    expect(dry.body.problems).toEqual([
      { row: 3, messages: ['角色“队长”不认识，应为 网格员 或 督导', '用户名“wa”已被使用（或在表里重复）', '手机号“139”格式不对（11 位手机号或带区号的座机）', '网格“第九网格”不在本社区'] },
    ])
    const m = multipart(csv, 'staff.csv')
    const refused = await injectJson(app, { method: 'POST', url: `/api/admin/communities/${t.c1.id}/people/import`, payload: m.payload, headers: { ...m.headers, ...t.as.sup1.headers } })
    expect(refused.status).toBe(400)
    expect((await db.query(`SELECT 1 FROM credentials WHERE username = 'lisi'`)).rows).toHaveLength(0)
    const good = multipart([csv.split('\n')[0], csv.split('\n')[1], csv.split('\n')[3]].join('\n'), 'staff.csv')
    const ok = await injectJson(app, { method: 'POST', url: `/api/admin/communities/${t.c1.id}/people/import`, payload: good.payload, headers: { ...good.headers, ...t.as.sup1.headers } })
    expect(ok.body).toMatchObject({ rows: 2, created: 2 })
    const l = await link((await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/people`, headers: t.as.sup1.headers })).body.people.find((p: { username: string }) => p.username === 'lisi').id)
    expect((await useLink(l.body.link.token, 'lisi-pass-1', 'phone-ls')).status).toBe(200)
  })
})
