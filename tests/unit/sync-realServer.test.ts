/** The engine against the real server app (PGlite in memory, through app.inject). */
import 'fake-indexeddb/auto'
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId, getMeta, setMeta } from '@/db'
import { lockKey, setDataKey, setEncryptionRequired } from '@/db/crypto'
import { readClearOutbox } from '@/db/escrow'
import Dexie from 'dexie'
import { DeviceRevokedError, makeContext, runEscrowedBackgroundSync, syncOnce, UnauthorizedError } from '@/sync'
import { wipeLocalDatabase } from '@/db/sync'
import type { Database } from '../../server/db/adapter'
import { buildTestApp, createTestGrid, createTestUser, fetchViaApp, login, testDatabases } from '../server/helper'

let db: Database
let app: FastifyInstance

const fetchVia = fetchViaApp(() => app)

beforeAll(async () => {
  db = await testDatabases()[0].open()
  app = await buildTestApp(db)
})
afterAll(async () => {
  await app.close()
  await db.close()
})

describe('sync engine against the real server', () => {
  it('uploads a photo before the issue that names it, and pulls what another phone wrote', async () => {
    const grid = await createTestGrid(db)
    const a = await createTestUser(db, { username: 'real-a', gridIds: [grid.id] })
    const b = await createTestUser(db, { username: 'real-b', gridIds: [grid.id] })
    const phones = []
    for (const [user, deviceId] of [[a, 'real-phone-a'], [b, 'real-phone-b']] as const) {
      const local = new FullGridDb(`real-${deviceId}-${Date.now()}`)
      await ensureDeviceId(local, () => deviceId)
      const { headers: _h, ...session } = await login(app, user.username, user.password, deviceId)
      await setMeta(local, 'session', session)
      phones.push({ db: local, repo: new Repository(local), ctx: makeContext({ db: local, fetch: fetchVia }), user })
    }
    const [pa, pb] = phones
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])
    const sha = createHash('sha256').update(bytes).digest('hex')
    await pa.db.blobs.add({ sha256: sha, type: 'image/jpeg', size: bytes.length, data: new Blob([bytes], { type: 'image/jpeg' }), uploaded: 0, createdAt: Date.now() })
    const issue = await pa.repo.create('issues', {
      gridId: grid.id, householdId: null, type: 'issue', source: 'patrol', category: 'fire_safety', title: '楼道电动车充电',
      description: '', photoIds: [sha], level: 'micro', reportedAt: Date.now(), reportedBy: a.id,
    })
    const summary = await syncOnce(pa.ctx)
    expect(summary.rejected).toBe(0)
    expect((await pa.db.blobs.get(sha))?.uploaded).toBe(1)
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM blobs WHERE sha256 = $1', [sha])
    expect(rows[0].n).toBe(1)

    await syncOnce(pb.ctx)
    expect((await pb.db.issues.get(issue.id))?.photoIds).toEqual([sha])
    for (const p of phones) await p.db.delete()
  })

  it('a locked phone sends the escrow copies; its unlocked push later settles the same ids, stored once', async () => {
    const grid = await createTestGrid(db)
    const worker = await createTestUser(db, { username: 'real-escrow', gridIds: [grid.id] })
    const local = new FullGridDb(`real-escrow-${Date.now()}`)
    const dataKey = crypto.getRandomValues(new Uint8Array(32))
    try {
      await ensureDeviceId(local, () => 'real-phone-escrow')
      const { headers: _h, ...session } = await login(app, worker.username, worker.password, 'real-phone-escrow')
      await setMeta(local, 'session', session)
      setDataKey(dataKey.slice())
      const ctx = makeContext({ db: local, fetch: fetchVia })
      // The unlocked page's sync fetches the server's escrow key and opens this unlock's session.
      await syncOnce(ctx)
      expect(await getMeta(local, 'escrowKey')).toMatchObject({ kid: expect.any(String) })
      const repo = new Repository(local)
      const h = await repo.create('households', {
        gridId: grid.id, buildingId: null, unit: '1', room: '101', address: '1号楼101', headName: '孙桂兰', phone: '',
        members: [], tags: [], health: '', situation: '', needs: '', notes: '',
      })
      await repo.update('households', h.id, { notes: '独居' })
      lockKey()

      // The service worker, locked: sends the copies, deletes nothing.
      const outcome = await runEscrowedBackgroundSync(local, fetchVia)
      expect(outcome).toMatchObject({ ok: true, escrowed: { sent: 2, refused: 0 } })
      const stored = await db.query<{ data: { headName: string; notes: string } }>('SELECT data FROM records WHERE id = $1', [h.id])
      expect(stored.rows.map((r) => r.data)).toEqual([expect.objectContaining({ headName: '孙桂兰', notes: '独居' })])
      const ids = (await readClearOutbox(local)).map((r) => r.id)
      expect(ids).toHaveLength(2)

      // Unlocked again: the page's push re-sends both ids, answered as already accepted, and clears them.
      setDataKey(dataKey.slice())
      const summary = await syncOnce(ctx)
      expect(summary).toMatchObject({ acknowledged: 2, rejected: 0 })
      expect(await local.outbox.count()).toBe(0)
      const once = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mutations WHERE id = ANY($1::uuid[])', [ids])
      expect(once.rows[0]!.n).toBe(2)
      expect((await local.households.get(h.id))?.notes).toBe('独居')
    } finally {
      lockKey()
      setEncryptionRequired(false)
      await local.delete()
    }
  })

  it('answers a stale token with needs-login and keeps the outbox', async () => {
    const grid = await createTestGrid(db)
    const local = new FullGridDb(`real-stale-${Date.now()}`)
    await ensureDeviceId(local, () => 'real-phone-stale')
    await setMeta(local, 'session', { token: 'not-a-token', user: { id: grid.id, name: 'x', role: 'worker', gridIds: [grid.id] }, expiresAt: 0 })
    const repo = new Repository(local)
    await repo.create('households', {
      gridId: grid.id, buildingId: null, unit: '1', room: '101', address: '1号楼101', headName: '张三', phone: '',
      members: [], tags: [], health: '', situation: '', needs: '', notes: '',
    })
    await expect(syncOnce(makeContext({ db: local, fetch: fetchVia }))).rejects.toBeInstanceOf(UnauthorizedError)
    expect(await local.outbox.count()).toBe(1)
    await local.delete()
  })

  it('a device revoked by a supervisor learns why on its next sync, and its wipe leaves nothing behind', async () => {
    const grid = await createTestGrid(db)
    const worker = await createTestUser(db, { username: 'real-revoked', gridIds: [grid.id] })
    const boss = await createTestUser(db, { username: 'real-boss', role: 'supervisor', gridIds: [grid.communityId] })
    const name = `real-revoked-${Date.now()}`
    const local = new FullGridDb(name)
    await ensureDeviceId(local, () => 'real-phone-lost')
    const { headers: _h, ...session } = await login(app, worker.username, worker.password, 'real-phone-lost')
    await setMeta(local, 'session', session)
    const ctx = makeContext({ db: local, fetch: fetchVia })
    await syncOnce(ctx)

    const asBoss = await login(app, boss.username, boss.password, 'real-boss-desk')
    const revoke = await app.inject({ method: 'POST', url: '/api/devices/real-phone-lost/revoke', headers: asBoss.headers, payload: { userId: worker.id } })
    expect(revoke.statusCode).toBe(200)

    const err = await syncOnce(ctx).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DeviceRevokedError)
    expect((err as Error).message).toMatch(/停用/)
    await wipeLocalDatabase(local)
    expect(await Dexie.exists(name)).toBe(false)
  })
})
