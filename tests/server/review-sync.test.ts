/**
 * Defects found in review (push, pull, login), each kept as a regression test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import type { Grid } from '../../src/domain/entities'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, testDatabases, type LoggedIn, type TestUser } from './helper'
import { create, household, issue, issueEvent, push, testClock } from './syncFixtures'

describe.each(testDatabases())('review: sync on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let gridA: Grid
  let workerA: TestUser, supervisor: TestUser
  let asA: LoggedIn, asSup: LoggedIn
  const clock = testClock('dev-a')

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    gridA = await createTestGrid(db)
    workerA = await createTestUser(db, { username: 'wa', gridIds: [gridA.id] })
    supervisor = await createTestUser(db, { username: 'sup', role: 'supervisor' })
    asA = await login(app, workerA.username, workerA.password, 'dev-a')
    asSup = await login(app, supervisor.username, supervisor.password, 'dev-a')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('answers a cursor whose transaction id does not fit xid8 with a readable 400, not a 500', async () => {
    const cursor = Buffer.from('1.99999999999999999999.0.all').toString('base64url')
    const res = await injectJson(app, { method: 'GET', url: `/api/sync/pull?cursor=${cursor}`, headers: asSup.headers })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: 'invalid_cursor', message: expect.any(String) })
  })

  it('judges an issue event against earlier events also when its issueId is sent upper-case', async () => {
    const i = issue(gridA.id, workerA.id)
    const up = i.id.toUpperCase()
    const first = await push(app, asA, [create('issues', i, clock()), create('issueEvents', issueEvent(up, 'reported', workerA.id), clock())])
    expect(first.map((r) => r.status)).toEqual(['applied', 'applied'])
    // a later batch: a second "reported" is refused, a dispatch is accepted
    const [again] = await push(app, asA, [create('issueEvents', issueEvent(up, 'reported', workerA.id), clock())])
    expect(again).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/already reported/) })
    const [assigned] = await push(app, asSup, [create('issueEvents', issueEvent(up, 'assigned', supervisor.id, { assigneeId: workerA.id }), clock())])
    expect(assigned.status).toBe('applied')
  })

  it('stores what the schema parsed: undeclared nested keys are dropped, not synced to every phone', async () => {
    const i = issue(gridA.id, workerA.id)
    const ev = { ...issueEvent(i.id, 'reported', workerA.id), data: { note: '已到场', secret: 'hidden' } }
    const h = household(gridA.id, { members: [{ name: '王', relation: '户主', gender: 'female', birthYear: 1950, idNumber: '', phone: '', tags: [], extra: 'x' } as never] })
    const r = await push(app, asA, [create('issues', i, clock()), create('issueEvents', ev as never, clock()), create('households', h, clock())])
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied', 'applied'])
    const { rows } = await db.query<{ id: string; data: any }>('SELECT id::text AS id, data FROM records WHERE id = ANY($1::uuid[])', [[ev.id, h.id]])
    const byId = new Map(rows.map((row) => [row.id, row.data]))
    expect(byId.get(ev.id).data).toEqual({ note: '已到场' })
    expect(byId.get(h.id).members[0]).not.toHaveProperty('extra')
  })

  it('answers a deeply nested undeclared value without a 500', async () => {
    const h = household(gridA.id)
    const m = create('households', h, clock())
    const member = { name: '王', relation: '', gender: 'male', birthYear: null, idNumber: '', phone: '', tags: [], x: 'DEEP' }
    const body = JSON.stringify({ deviceId: 'dev-a', mutations: [{ ...m, fields: { ...m.fields, members: [member] } }] })
    const payload = body.replace('"DEEP"', '['.repeat(20_000) + '1' + ']'.repeat(20_000))
    const res = await injectJson(app, {
      method: 'POST', url: '/api/sync/push', headers: { ...asA.headers, 'content-type': 'application/json' }, payload,
    })
    expect(res.status).toBe(200)
    expect(res.body.results[0].status).toBe('applied')
  })
})

describe.each(testDatabases())('review: login throttling on $name', (tdb) => {
  it('counts parallel wrong passwords: a burst cannot try more than the limit', async () => {
    const db = await tdb.open()
    const app = await buildTestApp(db, { auth: { throttle: { perAccount: 3, perAddress: 100, windowMs: 60_000 } } })
    try {
      const user = await createTestUser(db, { username: 'w' })
      const attempt = (password: string) =>
        app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'w', password, deviceId: 'x' } })
      const codes = (await Promise.all(Array.from({ length: 12 }, () => attempt('wrong')))).map((r) => r.statusCode)
      expect(codes.filter((c) => c === 401)).toHaveLength(3)
      expect(codes.filter((c) => c === 429)).toHaveLength(9)
      // the limit is reached: even the right password waits
      expect((await attempt(user.password)).statusCode).toBe(429)
    } finally {
      await app.close()
      await db.close()
    }
  })

  it('does not count a right password as a failure', async () => {
    const db = await tdb.open()
    const app = await buildTestApp(db, { auth: { throttle: { perAccount: 2, perAddress: 2, windowMs: 60_000 } } })
    try {
      const user = await createTestUser(db, { username: 'w' })
      for (let i = 0; i < 4; i++) {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'w', password: user.password, deviceId: 'x' } })
        expect(res.statusCode).toBe(200)
      }
      const { rows } = await db.query('SELECT 1 FROM login_failures')
      expect(rows).toHaveLength(0)
    } finally {
      await app.close()
      await db.close()
    }
  })
})
