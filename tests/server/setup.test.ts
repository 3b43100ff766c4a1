/**
 * Issue 18, 首次设置: a start without the demo issues a one-time address while no admin exists;
 * it creates the first admin once, refuses a wrong or used token and any use once an admin
 * exists, in words, storing nothing. The set-up guide's progress counts what really exists.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { issueSetupToken, MAX_TOKENS, SETUP_META_KEY } from '../../server/setup/firstStart'
import { putWholeRecords } from '../../server/records'
import { createTestGrid, createTestUser, injectJson, login, serverHlc, testDatabases, useTestApp } from './helper'
import { uuidv7 } from '../../src/domain/ids'

describe.each(testDatabases())('first start on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  useTestApp(tdb, (d, a) => {
    db = d
    app = a
  })

  const form = { name: '王主任', username: 'Admin', password: 'first-admin-1' }
  const send = (payload: Record<string, unknown>) => injectJson(app, { method: 'POST', url: '/api/setup/first-admin', payload })
  const counts = async () => {
    const { rows } = await db.query<{ users: number; creds: number; audit: number }>(
      `SELECT (SELECT count(*)::int FROM records WHERE entity = 'users') AS users,
              (SELECT count(*)::int FROM credentials) AS creds,
              (SELECT count(*)::int FROM audit_log) AS audit`,
    )
    return rows[0]
  }

  it('creates the first admin once; the admin signs in; the address is spent', async () => {
    expect((await injectJson(app, { method: 'GET', url: '/api/setup/state' })).body).toEqual({ needsAdmin: true })
    const token = (await issueSetupToken(db))!
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    // only the hash is kept
    const { rows } = await db.query<{ value: unknown }>('SELECT value FROM server_meta WHERE key = $1', [SETUP_META_KEY])
    expect(JSON.stringify(rows[0].value)).not.toContain(token)

    const made = await send({ token, ...form })
    expect(made.status).toBe(200)
    expect(made.body).toMatchObject({ username: 'admin', user: { name: '王主任', role: 'admin' } })
    const session = await login(app, 'admin', form.password)
    expect(session.user).toMatchObject({ name: '王主任', role: 'admin', gridIds: [] })
    const audit = await db.query<{ action: string; detail: { name: string } }>('SELECT action, detail FROM audit_log')
    expect(audit.rows).toEqual([{ action: 'setup.first_admin', detail: expect.objectContaining({ name: '王主任' }) }])
    expect((await injectJson(app, { method: 'GET', url: '/api/setup/state' })).body).toEqual({ needsAdmin: false })

    // a second use of the same address
    const before = await counts()
    const again = await send({ token, ...form, username: 'admin2' })
    expect(again.status).toBe(409)
    expect(again.body.message).toBe('已经有管理员账号，首次设置不能再用。请用管理员账号登录。')
    expect(await counts()).toEqual(before)
  })

  it('refuses a wrong token and a bad form in words, storing nothing', async () => {
    const token = (await issueSetupToken(db))!
    const before = await counts()
    const wrong = await send({ token: `${token.slice(0, -2)}xx`, ...form })
    expect(wrong.status).toBe(410)
    expect(wrong.body.message).toBe('设置地址无效或已用过。请重新启动服务器，使用它新显示的设置地址。')
    expect((await send({ token, ...form, password: 'short' })).body.message).toBe('密码至少 8 个字符')
    expect((await send({ token, ...form, name: '  ' })).body.message).toBe('姓名不能为空')
    expect((await send({ token, ...form, username: 'a b' })).body.message).toBe('用户名只能用 2–64 位字母、数字、点、- 或 _')
    const missing = await send({ token, name: '王主任' })
    expect(missing.status).toBe(400)
    expect(missing.body.message).toMatch(/请求内容不正确/)
    expect(await counts()).toEqual(before)
    // the token is still good after all that
    expect((await send({ token, ...form })).status).toBe(200)
  })

  it('issues nothing and refuses every token once an admin exists (made another way)', async () => {
    const early = (await issueSetupToken(db))!
    await createTestUser(db, { username: 'root', role: 'admin' })
    expect(await issueSetupToken(db)).toBeNull()
    // the CLI's admin also voids the address printed before it
    expect((await db.query('SELECT 1 FROM server_meta WHERE key = $1', [SETUP_META_KEY])).rows).toEqual([])
    const before = await counts()
    const late = await send({ token: early, ...form })
    expect(late.status).toBe(409)
    expect(await counts()).toEqual(before)
  })

  it('a new address on each start; the recent ones all work until one is used; a disabled admin does not count', async () => {
    await createTestUser(db, { username: 'old', role: 'admin', disabled: true })
    const tokens: string[] = []
    for (let i = 0; i < MAX_TOKENS + 1; i++) tokens.push((await issueSetupToken(db))!)
    expect(new Set(tokens).size).toBe(tokens.length)
    // the oldest fell off the list
    expect((await send({ token: tokens[0], ...form })).status).toBe(410)
    expect((await send({ token: tokens[3], ...form })).status).toBe(200)
    expect((await send({ token: tokens[4], ...form, username: 'other' })).status).toBe(409)
  })

  it('two uses at once: exactly one admin', async () => {
    const token = (await issueSetupToken(db))!
    const answers = await Promise.all([send({ token, ...form }), send({ token, ...form, username: 'twin' })])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'users' AND data->>'role' = 'admin'`)
    expect(rows[0].n).toBe(1)
  })

  it('the guide counts the community, grids, workers and households; admins only', async () => {
    const admin = await createTestUser(db, { username: 'root', role: 'admin' })
    const { headers } = await login(app, admin.username, admin.password)
    const progress = async () => (await injectJson(app, { method: 'GET', url: '/api/setup/progress', headers })).body
    expect(await progress()).toEqual({ communities: 0, grids: 0, workers: 0, households: 0, complete: false })
    const community = await createTestGrid(db, { level: 'community', name: '新华社区', code: 'XH' })
    expect(await progress()).toMatchObject({ communities: 1, grids: 0, complete: false })
    const grid = await createTestGrid(db, { level: 'grid', communityId: community.id, parentId: community.id, name: '东区', code: 'XH-01' })
    const worker = await createTestUser(db, { username: 'w1', role: 'worker', gridIds: [grid.id] })
    expect(await progress()).toMatchObject({ communities: 1, grids: 1, workers: 1, households: 0, complete: false })
    await db.transaction((tx) =>
      putWholeRecords(tx, 'households', [
        { id: uuidv7(), hlc: serverHlc(), deleted: false, gridId: grid.id, buildingId: null, unit: '1', room: '101', address: '1号楼1单元101', headName: '李四', phone: '', members: [], tags: [], health: '', situation: '', needs: '', notes: '' },
      ]),
    )
    expect(await progress()).toEqual({ communities: 1, grids: 1, workers: 1, households: 1, complete: true })

    const asWorker = await login(app, worker.username, worker.password)
    expect((await injectJson(app, { method: 'GET', url: '/api/setup/progress', headers: asWorker.headers })).status).toBe(403)
    expect((await injectJson(app, { method: 'GET', url: '/api/setup/progress' })).status).toBe(401)
  })
})
