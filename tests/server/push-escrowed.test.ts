/**
 * Issue 19, background sync while locked: the escrow key and POST /api/sync/push-escrowed — the
 * same schema and judge as push, so a mutation sent escrowed and later pushed normally by the
 * unlocked phone is one mutation, stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, testDatabases, type LoggedIn, type TestUser } from './helper'
import { create, household, push, testClock, update } from './syncFixtures'
import { openEscrowSession, sealEscrow, type EscrowEnvelope, type EscrowKeyResponse, type EscrowSession } from '../../src/domain/escrow'
import type { Grid } from '../../src/domain/entities'
import type { Mutation } from '../../src/domain/sync'

describe.each(testDatabases())('push-escrowed on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let grid: Grid
  let worker: TestUser
  let asW: LoggedIn
  let serverKey: EscrowKeyResponse
  let session: EscrowSession
  const clock = testClock('phone-w')

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    grid = await createTestGrid(db)
    worker = await createTestUser(db, { username: 'w', gridIds: [grid.id] })
    await createTestUser(db, { username: 'sup', role: 'supervisor', gridIds: [grid.id] })
    asW = await login(app, worker.username, worker.password, 'phone-w')
    const key = await injectJson(app, { method: 'GET', url: '/api/sync/escrow-key', headers: asW.headers })
    expect(key.status).toBe(200)
    serverKey = key.body
    session = await openEscrowSession(serverKey, 'phone-w')
  })
  afterAll(async () => {
    await app?.close()
    await db?.close()
  })

  async function pushEscrowed(as: LoggedIn, items: { id: string; envelope: unknown }[], deviceId = 'phone-w') {
    return injectJson(app, { method: 'POST', url: '/api/sync/push-escrowed', headers: as.headers, payload: { deviceId, items } })
  }
  const item = (m: Mutation, s = session): { id: string; envelope: EscrowEnvelope } => ({ id: m.id, envelope: sealEscrow(s, m) })
  const storedCount = async (recordId: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE id = $1', [recordId])).rows[0]!.n
  const mutationRows = async (id: string) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mutations WHERE id = $1', [id])).rows[0]!.n

  it('hands out one public key, the same after a restart, only to a signed-in device', async () => {
    expect(serverKey).toMatchObject({ kid: expect.any(String), publicKey: { kty: 'EC', crv: 'P-256' } })
    expect(JSON.stringify(serverKey)).not.toContain('"d"')
    expect((await injectJson(app, { method: 'GET', url: '/api/sync/escrow-key' })).status).toBe(401)
    const again = await buildTestApp(db)
    try {
      expect((await injectJson(again, { method: 'GET', url: '/api/sync/escrow-key', headers: asW.headers })).body).toEqual(serverKey)
    } finally {
      await again.close()
    }
  })

  it('stores an escrowed mutation, and the later normal push of the same id is a duplicate, stored once', async () => {
    const h = household(grid.id, { headName: '王秀英' })
    const m = create('households', h, clock())
    const res = await pushEscrowed(asW, [item(m)])
    expect(res.status).toBe(200)
    expect(res.body.results).toEqual([{ mutationId: m.id, status: 'applied' }])
    const row = await db.query<{ data: { headName: string } }>('SELECT data FROM records WHERE id = $1', [h.id])
    expect(row.rows[0]!.data.headName).toBe('王秀英')

    // The phone unlocks and its page pushes the same outbox row.
    expect(await push(app, asW, [m], 'phone-w')).toEqual([expect.objectContaining({ mutationId: m.id, status: 'duplicate' })])
    // And the worker sends it escrowed once more (a second Background Sync before the unlock).
    expect((await pushEscrowed(asW, [item(m)])).body.results).toEqual([expect.objectContaining({ mutationId: m.id, status: 'duplicate' })])
    expect(await storedCount(h.id)).toBe(1)
    expect(await mutationRows(m.id)).toBe(1)
  })

  it('judges a batch in the order the phone wrote it (its create before its edit), whatever the order sent', async () => {
    const h = household(grid.id)
    const c = create('households', h, clock())
    const u = update('households', h.id, { notes: '独居' }, clock())
    const res = await pushEscrowed(asW, [item(u), item(c)])
    expect(res.body.results.map((r: { mutationId: string; status: string }) => [r.mutationId, r.status])).toEqual([
      [u.id, 'applied'],
      [c.id, 'applied'],
    ])
    const row = await db.query<{ data: { notes: string } }>('SELECT data FROM records WHERE id = $1', [h.id])
    expect(row.rows[0]!.data.notes).toBe('独居')
  })

  it('refuses a bad envelope item by item with a plain reason, and keeps the others', async () => {
    const good = create('households', household(grid.id), clock())
    const altered = item(create('households', household(grid.id), clock()))
    const flip = altered.envelope.ct.startsWith('A') ? 'B' : 'A'
    const tampered = { ...altered, envelope: { ...altered.envelope, ct: flip + altered.envelope.ct.slice(1) } }
    const swapped = { id: good.id, envelope: item(create('households', household(grid.id), clock())).envelope }
    const otherKey = { ...item(good), envelope: { ...item(good).envelope, kid: 'retired' } }
    const notAMutation = { id: good.id, envelope: sealEscrow(session, { id: good.id } as unknown as Mutation) }
    const res = await pushEscrowed(asW, [{ id: good.id, envelope: 'garbage' }, tampered, swapped, otherKey, notAMutation, item(good)])
    expect(res.status).toBe(200)
    const [garbage, bad, wrongId, retired, empty, ok] = res.body.results
    expect(garbage).toMatchObject({ mutationId: good.id, status: 'rejected', code: 'invalid', reason: expect.stringContaining('not an escrow envelope') })
    expect(bad).toMatchObject({ mutationId: tampered.id, status: 'rejected', code: 'invalid', reason: expect.stringContaining('does not open') })
    expect(wrongId).toMatchObject({ status: 'rejected', reason: expect.stringContaining(`not ${good.id}`) })
    expect(retired).toMatchObject({ status: 'rejected', reason: expect.stringContaining('another server key') })
    expect(empty).toMatchObject({ status: 'rejected', code: 'invalid' })
    expect(ok).toEqual({ mutationId: good.id, status: 'applied' })
    expect(await mutationRows(tampered.id)).toBe(0)
  })

  it('refuses an envelope sealed on another device, and the judge refuses another device’s stamps', async () => {
    const asOther = await login(app, worker.username, worker.password, 'phone-x')
    const m = create('households', household(grid.id), clock())
    const res = await pushEscrowed(asOther, [item(m)], 'phone-x')
    expect(res.body.results[0]).toMatchObject({ mutationId: m.id, status: 'rejected', code: 'invalid', reason: expect.stringContaining('sealed on device phone-w') })
    // An envelope claiming phone-x around phone-w's stamp: push's own clock rule answers.
    const claimed = item(m, await openEscrowSession(serverKey, 'phone-x'))
    const judged = await pushEscrowed(asOther, [claimed], 'phone-x')
    expect(judged.body.results[0]).toMatchObject({ mutationId: m.id, status: 'rejected' })
    expect(judged.body.results[0].code).not.toBe('invalid')
    expect(await mutationRows(m.id)).toBe(0)
  })

  it('answers a revoked device as push does: device_revoked, nothing stored', async () => {
    const asLost = await login(app, worker.username, worker.password, 'lost-phone')
    const lostSession = await openEscrowSession(serverKey, 'lost-phone')
    const boss = await login(app, 'sup', worker.password, 'office-pc')
    expect((await injectJson(app, { method: 'POST', url: '/api/devices/lost-phone/revoke', headers: boss.headers })).status).toBe(200)
    const m = create('households', household(grid.id), testClock('lost-phone')())
    const res = await pushEscrowed(asLost, [item(m, lostSession)], 'lost-phone')
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('device_revoked')
    expect(await mutationRows(m.id)).toBe(0)
  })

  it('refuses a malformed request as a whole (400), like push', async () => {
    const res = await injectJson(app, { method: 'POST', url: '/api/sync/push-escrowed', headers: asW.headers, payload: { deviceId: 'phone-w', items: [{ id: 'nope', envelope: {} }] } })
    expect(res.status).toBe(400)
  })
})
