/**
 * Issue 7, items 3 and 4, and readable rejections: clocks (stamps at most 10 minutes ahead, and
 * only the pushing device's own; a `Date` on every answer), one mutation per id, and a code with
 * parameters on every rejection. Also the route schemas of push and pull.
 */
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import syncRoutes from '../../server/sync/routes'
import type { Database } from '../../server/db/adapter'
import { canonicalJson, fieldsHash } from '../../server/sync/mutationHash'
import type { Grid } from '../../src/domain/entities'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import { describeRejection, REJECTION_TEXTS } from '../../src/domain/rejections'
import { pullResponseSchema, type Mutation, type PushResult } from '../../src/domain/sync'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, testDatabases, type LoggedIn, type TestUser } from './helper'
import { building, create, household, issue, issueEvent, patrol, push, remove, segment, testClock, update, visit } from './syncFixtures'

const MINUTE = 60_000

describe('mutation content hash', () => {
  it('is the same whatever the key order, and differs with any field', () => {
    const a = { id: 'x', members: [{ name: '王', tags: ['a'] }], notes: '', gone: undefined }
    const b = { notes: '', members: [{ tags: ['a'], name: '王' }], id: 'x' }
    expect(canonicalJson(a)).toBe('{"id":"x","members":[{"name":"王","tags":["a"]}],"notes":""}')
    expect(fieldsHash(a)).toBe(fieldsHash(b))
    expect(fieldsHash({ ...b, notes: ' ' })).not.toBe(fieldsHash(b))
    expect(fieldsHash({ n: 1 })).not.toBe(fieldsHash({ n: '1' }))
  })

  it('survives a value nested 20,000 deep (request bodies are not trusted)', () => {
    const deep = JSON.parse('['.repeat(20_000) + '1' + ']'.repeat(20_000))
    expect(canonicalJson({ deep })).toHaveLength(20_001 * 2 + '{"deep":}'.length - 1)
  })
})

describe.each(testDatabases())('push rules on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let grid: Grid, otherGrid: Grid
  let worker: TestUser, coworker: TestUser, supervisor: TestUser
  let asW: LoggedIn, asCo: LoggedIn, asSup: LoggedIn
  const clock = testClock('phone-w')
  const coClock = testClock('phone-co')
  const supClock = testClock('desk-sup')

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    const communityId = uuidv7()
    grid = await createTestGrid(db, { communityId })
    otherGrid = await createTestGrid(db, { communityId, name: '二网格', code: 'G02' })
    worker = await createTestUser(db, { username: 'w', gridIds: [grid.id] })
    coworker = await createTestUser(db, { username: 'co', gridIds: [grid.id] })
    supervisor = await createTestUser(db, { username: 'sup', role: 'supervisor', gridIds: [grid.id, otherGrid.id] })
    asW = await login(app, worker.username, worker.password, 'phone-w')
    asCo = await login(app, coworker.username, coworker.password, 'phone-co')
    asSup = await login(app, supervisor.username, supervisor.password, 'desk-sup')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  async function stored(entity: string, id: string) {
    const { rows } = await db.query<{ data: any }>('SELECT data FROM records WHERE entity = $1 AND id = $2::uuid', [entity, id])
    return rows[0]?.data
  }

  const stamp = (wall: number, node = 'phone-w') => formatHlc({ wall, counter: 0, node })

  describe('clocks', () => {
    it('refuses a stamp more than 10 minutes ahead of the server (clock_ahead), takes one just inside', async () => {
      const ahead = create('households', household(grid.id), stamp(Date.now() + 11 * MINUTE))
      const inside = create('households', household(grid.id), stamp(Date.now() + 9 * MINUTE))
      const [r1, r2] = await push(app, asW, [ahead, inside])
      expect(r1).toMatchObject({ status: 'rejected', code: 'clock_ahead', reason: expect.stringMatching(/ahead of the server's clock/) })
      expect(r1.params?.minutes).toBeGreaterThanOrEqual(11)
      expect(r2.status).toBe('applied')
      expect(await stored('households', ahead.recordId)).toBeUndefined()
      expect(describeRejection(r1)).toMatch(/手机时间/)
    })

    it('refuses a stamp of another device (device_mismatch), whatever the body says', async () => {
      const foreign = create('households', household(grid.id), stamp(Date.now(), 'phone-co'))
      const own = create('households', household(grid.id), clock())
      // The session is phone-w's: a body naming phone-co does not make its stamps phone-w's.
      const res = await injectJson(app, {
        method: 'POST', url: '/api/sync/push', headers: asW.headers, payload: { deviceId: 'phone-co', mutations: [foreign, own] },
      })
      expect(res.status).toBe(200)
      const [r1, r2] = res.body.results as PushResult[]
      expect(r1).toMatchObject({ status: 'rejected', code: 'device_mismatch', params: { device: 'phone-co' } })
      expect(r1.reason).toMatch(/phone-w/)
      expect(r2.status).toBe('applied')
      expect(await stored('households', foreign.recordId)).toBeUndefined()
      // the same mutation from the device that stamped it is applied
      expect((await push(app, asCo, [foreign]))[0].status).toBe('applied')
    })

    it('a device cannot win last-writer-wins with another device’s stamp', async () => {
      const h = household(grid.id)
      expect((await push(app, asW, [create('households', h, clock())]))[0].status).toBe('applied')
      const later = stamp(Date.now() + 5 * MINUTE, 'phone-co')
      const [r] = await push(app, asW, [update('households', h.id, { notes: 'forged' }, later)])
      expect(r.code).toBe('device_mismatch')
      expect((await stored('households', h.id)).notes).toBe('')
    })

    it('puts a Date header on every answer, so the phone can correct its clock', async () => {
      // A real socket: the header is written by the HTTP layer, which inject() does not run.
      const served = await buildTestApp(db)
      await served.listen({ host: '127.0.0.1', port: 0 })
      try {
        const base = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}`
        const answers = await Promise.all([
          fetch(`${base}/api/health`),
          fetch(`${base}/api/sync/pull`),
          fetch(`${base}/api/sync/pull?limit=2`, { headers: asW.headers }),
          fetch(`${base}/api/sync/push`, { method: 'POST', headers: { ...asW.headers, 'content-type': 'application/json' }, body: '{}' }),
          fetch(`${base}/api/no-such-thing`),
        ])
        expect(answers.map((a) => a.status)).toEqual([200, 401, 200, 400, 404])
        for (const a of answers) {
          const date = a.headers.get('date')
          expect(date, a.url).toBeTruthy()
          // HTTP dates have whole seconds: the server's clock to within a minute, not a fixed value.
          expect(Math.abs(Date.parse(date!) - Date.now())).toBeLessThan(MINUTE)
        }
      } finally {
        await served.close()
      }
    })
  })

  describe('a mutation id means one mutation', () => {
    it('answers a retry duplicate, also with its keys in another order', async () => {
      const h = household(grid.id)
      const m = create('households', h, clock())
      expect((await push(app, asW, [m]))[0].status).toBe('applied')
      const reordered: Mutation = { ...m, fields: Object.fromEntries(Object.entries(m.fields).reverse()) }
      expect(await push(app, asW, [reordered])).toEqual([{ mutationId: m.id, status: 'duplicate' }])
      // and with the id in capitals (the record id is compared lower-case)
      expect((await push(app, asW, [{ ...m, id: m.id.toUpperCase(), recordId: m.recordId.toUpperCase() }]))[0].status).toBe('duplicate')
    })

    it('refuses the same id with other fields (mutation_reused) and keeps the first content', async () => {
      const h = household(grid.id)
      const first = create('households', h, clock())
      await push(app, asW, [first])
      const edit = { ...update('households', h.id, { notes: 'second thoughts' }, clock()), id: first.id }
      const [r] = await push(app, asW, [edit])
      expect(r).toMatchObject({ mutationId: first.id, status: 'rejected', code: 'mutation_reused', reason: expect.stringMatching(/other fields/) })
      expect(describeRejection(r)).toMatch(/修改编号/)
      expect((await stored('households', h.id)).notes).toBe('')
    })

    it('refuses the same id for another record, or from another user', async () => {
      const h1 = household(grid.id)
      const m = create('households', h1, clock())
      await push(app, asW, [m])
      const h2 = household(grid.id)
      const [otherRecord] = await push(app, asW, [{ ...create('households', h2, clock()), id: m.id }])
      expect(otherRecord).toMatchObject({ status: 'rejected', code: 'mutation_reused', reason: expect.stringMatching(/another record/) })
      expect(await stored('households', h2.id)).toBeUndefined()
      // the co-worker sends exactly the same mutation (restamped by their device) under the same id
      const [otherUser] = await push(app, asCo, [{ ...m, hlc: coClock(), fields: { ...m.fields } }])
      expect(otherUser).toMatchObject({ status: 'rejected', code: 'mutation_reused', reason: expect.stringMatching(/another user/) })
      const [sameBytesOtherUser] = await push(app, asCo, [m])
      expect(sameBytesOtherUser.status).toBe('rejected')
    })

    it('judges a reused id within one batch the same way', async () => {
      const h = household(grid.id)
      const m = create('households', h, clock())
      const reused = { ...update('households', h.id, { notes: 'in the same batch' }, clock()), id: m.id }
      const results = await push(app, asW, [m, m, reused])
      expect(results.map((r) => [r.status, r.code])).toEqual([
        ['applied', undefined],
        ['duplicate', undefined],
        ['rejected', 'mutation_reused'],
      ])
      expect((await stored('households', h.id)).notes).toBe('')
      const { rows } = await db.query<{ n: number; fields_hash: string }>(
        'SELECT count(*)::int AS n, max(fields_hash) AS fields_hash FROM mutations WHERE id = $1::uuid',
        [m.id],
      )
      expect(rows[0]).toEqual({ n: 1, fields_hash: fieldsHash(m.fields) })
    })
  })

  describe('every rejection carries a code and params', () => {
    it('from the judge, the early checks and storage: a known code, params, an English reason', async () => {
      const h = household(grid.id)
      const p = patrol(grid.id, worker.id)
      const i = issue(grid.id, worker.id)
      const v = visit(h, worker.id)
      await push(app, asW, [create('households', h, clock()), create('patrols', p, clock()), create('issues', i, clock()), create('visits', v, clock())])
      const foreignHousehold = household(otherGrid.id)
      await push(app, asSup, [create('households', foreignHousehold, supClock())])

      const cases: [string, Mutation | Record<string, unknown>][] = [
        ['role', create('buildings', building(grid.id), clock())],
        ['out_of_scope', create('households', household(otherGrid.id), clock())],
        ['out_of_scope', update('households', foreignHousehold.id, { notes: 'x' }, clock())],
        ['not_author', create('visits', visit(h, coworker.id), clock())],
        ['not_author', create('issueEvents', issueEvent(i.id, 'reported', coworker.id), clock())],
        ['unknown_reference', create('visits', visit(household(grid.id), worker.id), clock())],
        ['immutable', update('visits', v.id, { notes: 'changed' }, clock())],
        ['invalid', create('households', { ...household(grid.id), headName: '' }, clock())],
        ['invalid', { ...create('households', household(grid.id), clock()), entity: 'spaceships' }],
        ['unknown_record', remove('households', uuidv7(), clock())],
        ['unknown_record', update('households', uuidv7(), { notes: 'x' }, clock())],
        ['append_only', remove('trackSegments', uuidv7(), clock())],
        ['event_invalid', create('issueEvents', issueEvent(i.id, 'rated', worker.id, { rating: 5 }), clock())],
        ['unstorable', create('households', household(grid.id, { notes: 'nul\u0000byte' }), clock())],
      ]
      const res = await injectJson(app, {
        method: 'POST', url: '/api/sync/push', headers: asW.headers, payload: { deviceId: 'phone-w', mutations: cases.map((c) => c[1]) },
      })
      expect(res.status).toBe(200)
      const results = res.body.results as PushResult[]
      // Issue-event rules have codes of their own (event_…); which one is the issue rules' business.
      expect(results.map((r) => (r.code?.startsWith('event_') ? 'event_invalid' : r.code))).toEqual(cases.map((c) => c[0]))
      for (const r of results) {
        expect(r.status).toBe('rejected')
        expect(Object.keys(REJECTION_TEXTS)).toContain(r.code)
        expect(r.params, r.code).toEqual(expect.any(Object))
        expect(r.reason, r.code).toMatch(/^[\x20-\x7e]+$/s)
        const zh = describeRejection(r, 'zh')
        expect(zh, r.code).not.toMatch(/\{\w+\}/)
        expect(zh, r.code).toMatch(/[\u4e00-\u9fff]/)
      }
      // a track on someone else's patrol: the patrol's owner is named, not a grid
      const [track] = await push(app, asCo, [create('trackSegments', segment(p), coClock())])
      expect(track).toMatchObject({ status: 'rejected', code: 'not_author' })
      // the Chinese text names the entity in Chinese
      expect(describeRejection({ code: 'role', params: { entity: 'buildings' } })).toBe('您的角色不能修改楼栋')
    })

    it('refuses deleting a co-worker’s issue with delete_not_allowed', async () => {
      const i = issue(grid.id, worker.id)
      await push(app, asW, [create('issues', i, clock())])
      const [r] = await push(app, asCo, [remove('issues', i.id, coClock())])
      expect(r).toMatchObject({ status: 'rejected', code: 'delete_not_allowed' })
    })
  })

  describe('route schemas', () => {
    it('declares body and response schemas on push, query and response schemas on pull', async () => {
      // The sync routes on a bare instance, with an onRoute hook registered before them.
      const bare = Fastify()
      bare.setValidatorCompiler(validatorCompiler)
      bare.setSerializerCompiler(serializerCompiler)
      const schemas = new Map<string, FastifySchema | undefined>()
      bare.addHook('onRoute', (route) => void schemas.set(`${String(route.method)} ${route.url}`, route.schema))
      bare.decorate('db', db)
      bare.decorate('authenticate', async () => undefined)
      await bare.register(syncRoutes, { prefix: '/api' })
      await bare.ready()
      await bare.close()
      const pushSchema = schemas.get('POST /api/sync/push')
      const pullSchema = schemas.get('GET /api/sync/pull')
      expect(Object.keys(pushSchema ?? {}).sort()).toEqual(['body', 'response'])
      expect(Object.keys(pullSchema ?? {}).sort()).toEqual(['querystring', 'response'])
      for (const s of [pushSchema, pullSchema]) expect(Object.keys(s!.response as object)).toEqual(expect.arrayContaining(['200', '400', '401']))
    })

    it('answers a bad envelope or query through the schema with a readable 400', async () => {
      const bad = await injectJson(app, { method: 'POST', url: '/api/sync/push', headers: asW.headers, payload: { deviceId: 'bad id!', mutations: [] } })
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(/^请求内容不正确：deviceId/) } })
      const limit = await injectJson(app, { method: 'GET', url: '/api/sync/pull?limit=0', headers: asW.headers })
      expect(limit).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(/^查询参数不正确：limit/) } })
    })

    it('answers pull pages that fit the response schema', async () => {
      const res = await injectJson(app, { method: 'GET', url: '/api/sync/pull?limit=3', headers: asW.headers })
      expect(res.status).toBe(200)
      expect(pullResponseSchema.safeParse(res.body).success).toBe(true)
    })
  })
})
