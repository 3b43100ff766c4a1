/**
 * A restore to an older point, end to end (issue 22): the server loses a record the phone holds
 * and gets a new feed epoch (what `npm run admin -- restore` does, server/sync/feedState.ts
 * newEpoch); the phone's next pull is answered `reset: true` and the engine replaces what it synced
 * — the lost record goes — while its unsynced work stays in the outbox and reaches the server after.
 * The same reset follows a cursor from before pruned removals. Real server app (PGlite) + engine.
 */
import 'fake-indexeddb/auto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId, setMeta } from '@/db'
import { makeContext, pullChanges, syncOnce } from '@/sync'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { newEpoch } from '../../server/sync/feedState'
import { buildTestApp, createTestGrid, createTestUser, fetchViaApp, login, testDatabases } from '../server/helper'
import { household } from '../factories'

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

describe('a phone after the server was restored to an older point', () => {
  it('drops what the server no longer has, keeps its unsynced work, and pushes it after', async () => {
    const grid = await createTestGrid(db)
    const worker = await createTestUser(db, { username: 'epoch-w', gridIds: [grid.id] })
    const [kept, lost] = [household(grid.id, { headName: '留下' }), household(grid.id, { headName: '恢复后没有' })]
    await db.transaction((tx) => putWholeRecords(tx, 'households', [kept, lost]))

    const local = new FullGridDb(`epoch-${Date.now()}`)
    await ensureDeviceId(local, () => 'epoch-phone')
    const { headers: _h, ...session } = await login(app, worker.username, worker.password, 'epoch-phone')
    await setMeta(local, 'session', session)
    const ctx = makeContext({ db: local, fetch: fetchVia })
    await syncOnce(ctx)
    expect((await local.households.toArray()).map((h) => h.headName).sort()).toEqual(['恢复后没有', '留下'])

    // the restore: the backup was taken before `lost` existed; the feed gets a new epoch
    await db.query("DELETE FROM records WHERE entity = 'households' AND id = $1::uuid", [lost.id])
    await newEpoch(db)
    // meanwhile, offline, the worker records a new household and edits the kept one
    const repo = new Repository(local)
    const mine = await repo.create('households', {
      gridId: grid.id, buildingId: null, unit: '1', room: '102', address: '1号楼102', headName: '离线新建', phone: '',
      members: [], tags: [], health: '', situation: '', needs: '', notes: '',
    })
    await repo.update('households', kept.id, { notes: '离线修改' })
    expect(await local.outbox.count()).toBe(2)

    const pulled = await pullChanges(ctx)
    expect(pulled.firstSync).toBe(true) // shown as a download from the start
    const after = new Map((await local.households.toArray()).map((h) => [h.id, h]))
    expect(after.has(lost.id)).toBe(false)
    expect(after.get(mine.id)?.headName).toBe('离线新建')
    expect(after.get(kept.id)?.notes).toBe('离线修改')
    expect(await local.outbox.count()).toBe(2)

    const summary = await syncOnce(ctx)
    expect(summary.rejected).toBe(0)
    expect(await local.outbox.count()).toBe(0)
    const { rows } = await db.query<{ id: string; notes: string }>(
      "SELECT id::text AS id, data->>'notes' AS notes FROM records WHERE entity = 'households' AND grid_id = $1::uuid ORDER BY id",
      [grid.id],
    )
    expect(rows.map((r) => r.id).sort()).toEqual([kept.id, mine.id].sort())
    expect(rows.find((r) => r.id === kept.id)?.notes).toBe('离线修改')
    expect([...(await local.households.toArray()).map((h) => h.id)].sort()).toEqual([kept.id, mine.id].sort())
    await local.delete()
  })
})
