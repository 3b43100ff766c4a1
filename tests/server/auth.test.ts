import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { hashPassword, verifyPassword } from '../../server/auth/password'
import { createUser, parseCreateUser, CliError } from '../../server/cli'
import { PENDING_MS } from '../../server/auth/throttle'
import { meResponseSchema, loginAnswerSchema, loginResponseSchema } from '../../src/domain/auth'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, testDatabases, type TestUser } from './helper'

describe('password hashing', () => {
  it('encodes scrypt parameters and salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 })
    const b = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 })
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/)
    expect(a).not.toBe(b) // per-password salt
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct horsE', a)).toBe(false)
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false)
  })

  it('uses a memory-hard default cost', async () => {
    expect(await hashPassword('x')).toMatch(/^scrypt\$32768\$8\$1\$/)
  })
})

describe('cli create-user arguments', () => {
  const args = ['--username', 'admin', '--name', '管理员', '--role', 'admin']
  it('takes the password from FULLGRID_PASSWORD only, and at least 8 characters', () => {
    expect(() => parseCreateUser(args, {})).toThrow(/FULLGRID_PASSWORD/)
    expect(() => parseCreateUser(args, { FULLGRID_PASSWORD: 'short' })).toThrow(/at least 8/)
    expect(parseCreateUser([...args, '--grid', 'g1', '--grid', 'g2'], { FULLGRID_PASSWORD: 'long enough' })).toEqual({
      username: 'admin', name: '管理员', role: 'admin', gridIds: ['g1', 'g2'], password: 'long enough',
    })
  })
  it('refuses unknown roles and missing options', () => {
    expect(() => parseCreateUser(['--username', 'a', '--name', 'b', '--role', 'root'], { FULLGRID_PASSWORD: 'long enough' })).toThrow(CliError)
    expect(() => parseCreateUser(['--username', 'a'], { FULLGRID_PASSWORD: 'long enough' })).toThrow(/required/)
  })
})

describe.each(testDatabases())('auth on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let clock: number
  let worker: TestUser
  let supervisor: TestUser
  const loginAs = (username: string, password: string, deviceId = 'phone-1', remoteAddress?: string) =>
    injectJson(app, { method: 'POST', url: '/api/auth/login', payload: { username, password, deviceId }, remoteAddress })

  beforeEach(async () => {
    clock = Date.now()
    db = await tdb.open()
    app = await buildTestApp(db, {
      now: () => clock,
      auth: { throttle: { perAccount: 3, perAddress: 6, windowMs: 60_000 }, sessionTtlMs: 3_600_000 },
    })
    const grid = await createTestGrid(db)
    worker = await createTestUser(db, { username: 'worker01', name: '张伟', role: 'worker', gridIds: [grid.id] })
    supervisor = await createTestUser(db, { username: 'supervisor', name: '李芳', role: 'supervisor', gridIds: [grid.id] })
  })
  afterEach(async () => {
    await app.close()
    await db.close()
  })

  it('logs in with the right password and answers the session user', async () => {
    const res = await loginAs('worker01', worker.password)
    expect(res.status).toBe(200)
    const body = loginResponseSchema.parse(res.body)
    expect(body.user).toEqual({ id: worker.id, name: '张伟', role: 'worker', gridIds: worker.record.gridIds })
    expect(body.token).toMatch(/^[\w-]{43}$/)
    expect(body.expiresAt).toBe(clock + 3_600_000)
    // stored hashed, bound to the device, device registered
    const { rows } = await db.query<{ token_hash: string; device_id: string }>('SELECT token_hash, device_id FROM sessions')
    expect(rows).toHaveLength(1)
    expect(rows[0].token_hash).not.toContain(body.token)
    expect(rows[0].device_id).toBe('phone-1')
    const devices = await db.query<{ id: string; user_id: string }>('SELECT id, user_id FROM devices')
    expect(devices.rows).toEqual([{ id: 'phone-1', user_id: worker.id }])
  })

  it('accepts the username in any case and with spaces around it', async () => {
    expect((await loginAs(' Worker01 ', worker.password)).status).toBe(200)
  })

  it('answers 401 invalid_credentials with a readable message for a wrong password or unknown user', async () => {
    for (const [u, p] of [['worker01', 'wrong-password'], ['nobody', worker.password]]) {
      const res = await loginAs(u, p)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'invalid_credentials', message: '用户名或密码错误' })
    }
  })

  it('refuses disabled accounts', async () => {
    const off = await createTestUser(db, { username: 'gone', disabled: true })
    const res = await loginAs('gone', off.password)
    expect(res.status).toBe(403)
    expect(res.body.error).toBe('account_disabled')
  })

  it('throttles an account after repeated failures, with Retry-After, until the window passes', async () => {
    for (let i = 0; i < 3; i++) expect((await loginAs('worker01', 'wrong', 'phone-1', `10.0.0.${i}`)).status).toBe(401)
    // even the right password is refused while throttled, from any address
    const blocked = await loginAs('worker01', worker.password, 'phone-1', '10.0.9.9')
    expect(blocked.status).toBe(429)
    expect(blocked.body).toEqual({ error: 'too_many_attempts', message: expect.stringContaining('分钟后再试') })
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60)
    // other accounts are not affected
    expect((await loginAs('supervisor', supervisor.password, 'pc-1', '10.0.9.9')).status).toBe(200)

    clock += 61_000
    expect((await loginAs('worker01', worker.password)).status).toBe(200)
  })

  it('throttles an address after repeated failures across accounts', async () => {
    for (let i = 0; i < 6; i++) expect((await loginAs(`guess${i}`, 'wrong', 'x', '10.1.1.1')).status).toBe(401)
    const blocked = await loginAs('worker01', worker.password, 'phone-1', '10.1.1.1')
    expect(blocked.status).toBe(429)
    expect(blocked.headers['retry-after']).toBeDefined()
    // the same account from another address still logs in
    expect((await loginAs('worker01', worker.password, 'phone-1', '10.2.2.2')).status).toBe(200)
  })

  it('a burst of right passwords from one address is no lockout: attempts still being checked make others wait, not fail', async () => {
    // Four times the address limit (6), all at once: e.g. a whole community office behind one NAT at 8:00.
    const workers = await Promise.all(Array.from({ length: 24 }, (_, i) => createTestUser(db, { username: `burst${i}` })))
    const answers = await Promise.all(workers.map((w, i) => loginAs(w.username, w.password, `phone-${i}`, '10.7.7.7')))
    expect(answers.map((a) => a.status)).toEqual(workers.map(() => 200))
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_failures')
    expect(rows[0].n).toBe(0)
  })

  it('parallel wrong guesses never exceed the limit: the rest answer 429', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => loginAs('worker01', `wrong-${i}`, 'x', `10.8.8.${i}`)))
    const statuses = answers.map((a) => a.status)
    // perAccount is 3: at most three guesses reached the password check.
    expect(statuses.filter((s) => s === 401)).toHaveLength(3)
    expect(statuses.filter((s) => s === 429)).toHaveLength(7)
    expect((await loginAs('worker01', worker.password, 'phone-1', '10.9.9.9')).status).toBe(429)
  })

  it('an attempt left unanswered (its process died) counts as a failure once PENDING_MS has passed', async () => {
    const attempt = { username: 'worker01', address: '10.4.4.4', deviceId: null }
    for (let i = 0; i < 3; i++) await app.repos.loginFailures.record(attempt, clock, 60_000, PENDING_MS)
    clock += PENDING_MS + 1
    expect((await loginAs('worker01', worker.password, 'phone-1', '10.5.5.5')).status).toBe(429)
  })

  it('a successful login forgives earlier failures of the account', async () => {
    for (let i = 0; i < 2; i++) await loginAs('worker01', 'wrong')
    expect((await loginAs('worker01', worker.password)).status).toBe(200)
    for (let i = 0; i < 2; i++) await loginAs('worker01', 'wrong', 'phone-1', '10.3.3.3')
    expect((await loginAs('worker01', worker.password, 'phone-1', '10.3.3.3')).status).toBe(200)
  })

  it('/api/me answers the session with a token and 401 without', async () => {
    const session = await login(app, 'worker01', worker.password, 'phone-7')
    const me = await injectJson(app, { method: 'GET', url: '/api/me', headers: session.headers })
    expect(me.status).toBe(200)
    expect(meResponseSchema.parse(me.body)).toEqual({
      user: session.user,
      device: { id: 'phone-7', name: null },
      expiresAt: session.expiresAt,
    })

    for (const authorization of [undefined, 'Bearer not-a-real-token-but-long-enough', 'Basic abc']) {
      const res = await injectJson(app, { method: 'GET', url: '/api/me', headers: authorization ? { authorization } : {} })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'unauthorized', message: expect.stringMatching(/登录|令牌/) })
    }
  })

  it('sessions expire', async () => {
    const session = await login(app, 'worker01', worker.password)
    clock += 3_600_001
    const res = await injectJson(app, { method: 'GET', url: '/api/me', headers: session.headers })
    expect(res.status).toBe(401)
    expect(res.body.message).toContain('过期')
  })

  it('answers the device’s recovery secret to a password login only: the same on every login of this device, another elsewhere (issue 19)', async () => {
    const first = loginAnswerSchema.parse((await loginAs('worker01', worker.password, 'phone-1')).body)
    const again = loginAnswerSchema.parse((await loginAs('worker01', worker.password, 'phone-1')).body)
    const other = loginAnswerSchema.parse((await loginAs('worker01', worker.password, 'phone-2')).body)
    expect(first.recoveryKey).toMatch(/^[\w-]{43}$/)
    expect(again.recoveryKey).toBe(first.recoveryKey)
    expect(other.recoveryKey).not.toBe(first.recoveryKey)
    // The session's own answers never carry it: a stolen phone's token cannot fetch the secret.
    const me = await injectJson(app, { method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${first.token}` } })
    expect(me.status).toBe(200)
    expect(JSON.stringify(me.body)).not.toContain(first.recoveryKey)
    expect(JSON.stringify(me.body)).not.toContain('recovery')
    // A wrong password answers nothing of it.
    const wrong = await loginAs('worker01', 'not-the-password', 'phone-1')
    expect(wrong.status).toBe(401)
    expect(JSON.stringify(wrong.body)).not.toContain(first.recoveryKey!)
  })

  it('logout revokes the token and leaves other sessions alone', async () => {
    const a = await login(app, 'worker01', worker.password, 'phone-a')
    const b = await login(app, 'worker01', worker.password, 'phone-b')
    const out = await injectJson(app, { method: 'POST', url: '/api/auth/logout', headers: a.headers })
    expect(out.status).toBe(200)
    expect((await injectJson(app, { method: 'GET', url: '/api/me', headers: a.headers })).status).toBe(401)
    expect((await injectJson(app, { method: 'GET', url: '/api/me', headers: b.headers })).status).toBe(200)
    // logging out twice is harmless
    expect((await injectJson(app, { method: 'POST', url: '/api/auth/logout', headers: a.headers })).status).toBe(200)
  })

  it('sessions survive a restart of the server (they live in the database)', async () => {
    const session = await login(app, 'worker01', worker.password)
    await app.close()
    app = await buildTestApp(db, { now: () => clock })
    expect((await injectJson(app, { method: 'GET', url: '/api/me', headers: session.headers })).status).toBe(200)
  })

  describe('devices', () => {
    it('a supervisor revokes a device: its token answers 401 device_revoked, and it cannot log in again', async () => {
      const phone = await login(app, 'worker01', worker.password, 'lost-phone')
      const other = await login(app, 'worker01', worker.password, 'new-phone')
      const boss = await login(app, 'supervisor', supervisor.password, 'office-pc')

      const res = await injectJson(app, { method: 'POST', url: '/api/devices/lost-phone/revoke', headers: boss.headers })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ ok: true, deviceId: 'lost-phone', userIds: [worker.id], sessions: 1 })

      const me = await injectJson(app, { method: 'GET', url: '/api/me', headers: phone.headers })
      expect(me.status).toBe(401)
      expect(me.body).toEqual({ error: 'device_revoked', message: expect.stringContaining('此设备已被停用') })
      expect((await injectJson(app, { method: 'GET', url: '/api/me', headers: other.headers })).status).toBe(200)

      const again = await loginAs('worker01', worker.password, 'lost-phone')
      expect(again.status).toBe(403)
      expect(again.body.error).toBe('device_revoked')
      // A lost phone reported: its recovery secret is never answered again (issue 19).
      expect(again.body.recoveryKey).toBeUndefined()

      const audit = await db.query<{ action: string; user_id: string }>('SELECT action, user_id FROM audit_log')
      expect(audit.rows).toEqual([{ action: 'device.revoke', user_id: supervisor.id }])

      const list = await injectJson(app, { method: 'GET', url: '/api/devices', headers: boss.headers })
      expect(list.status).toBe(200)
      const lost = list.body.devices.find((d: { id: string }) => d.id === 'lost-phone')
      expect(lost).toMatchObject({ userId: worker.id, username: 'worker01', userName: '张伟', revoked: true })
      expect(list.body.devices.find((d: { id: string }) => d.id === 'new-phone').revoked).toBe(false)
    })

    it('only supervisors and admins manage devices', async () => {
      const w = await login(app, 'worker01', worker.password, 'phone-1')
      const revoke = await injectJson(app, { method: 'POST', url: '/api/devices/phone-1/revoke', headers: w.headers })
      expect(revoke.status).toBe(403)
      expect(revoke.body.error).toBe('forbidden')
      expect((await injectJson(app, { method: 'GET', url: '/api/devices', headers: w.headers })).status).toBe(403)
      expect((await injectJson(app, { method: 'GET', url: '/api/devices' })).status).toBe(401)
    })

    it('revoking an unknown device is 404, a bad device id 400', async () => {
      const boss = await login(app, 'supervisor', supervisor.password, 'office-pc')
      const unknown = await injectJson(app, { method: 'POST', url: '/api/devices/nope/revoke', headers: boss.headers })
      expect(unknown.status).toBe(404)
      expect(unknown.body.error).toBe('device_not_found')
      const bad = await injectJson(app, { method: 'POST', url: '/api/devices/bad%20id/revoke', headers: boss.headers })
      expect(bad.status).toBe(400)
      expect(bad.body.message).toContain('deviceId')
    })

    it('revocation can be narrowed to one user of a shared device', async () => {
      await login(app, 'worker01', worker.password, 'shared')
      const boss = await login(app, 'supervisor', supervisor.password, 'shared')
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/devices/shared/revoke',
        headers: boss.headers,
        payload: { userId: worker.id },
      })
      expect(res.body.userIds).toEqual([worker.id])
      expect((await injectJson(app, { method: 'GET', url: '/api/me', headers: boss.headers })).status).toBe(200)
    })
  })

  it('create-user writes a users record and credentials that log in', async () => {
    const grid = await createTestGrid(db, { name: '第二网格' })
    const user = await createUser(db, { username: 'Admin', name: '管理员', role: 'admin', gridIds: [grid.id], password: 'admin-pass-1' })
    expect(user.hlc).toMatch(/^\d{15}-00000-server$/)
    const session = await login(app, 'admin', 'admin-pass-1')
    expect(session.user).toEqual({ id: user.id, name: '管理员', role: 'admin', gridIds: [grid.id] })
    await expect(createUser(db, { username: 'admin', name: 'x', role: 'admin', gridIds: [], password: 'admin-pass-1' })).rejects.toThrow(
      /already exists/,
    )
    await expect(createUser(db, { username: 'b', name: 'x', role: 'admin', gridIds: ['not-a-uuid'], password: 'admin-pass-1' })).rejects.toThrow(
      /gridIds/,
    )
  })
})
