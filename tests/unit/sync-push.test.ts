import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pushOutbox, DeviceRevokedError, NetworkError, UnauthorizedError, type FetchLike } from '@/sync'
import type { MemoryServer } from './sync-server'
import { household, issue, issueEvent, OTHER_GRID_ID, serverAndDevice, T0, USER_ID, type Device } from './sync-helpers'

let server: MemoryServer
let dev: Device

beforeEach(async () => {
  ;({ server, dev } = await serverAndDevice('phone1'))
})
afterEach(async () => {
  await dev.db.delete()
})

describe('pushOutbox', () => {
  it('drains the outbox in batches and deletes only acknowledged entries', async () => {
    for (let i = 0; i < 7; i++) await dev.repo.create('households', household({ room: `${100 + i}` }))
    const out = await pushOutbox(dev.ctx, 3)
    expect(out.acknowledged).toBe(7)
    expect(await dev.db.outbox.count()).toBe(0)
    expect(server.records('households')).toHaveLength(7)
    expect(server.log.filter((l) => l === 'POST /api/sync/push')).toHaveLength(3)
  })

  it('reports after each stored answer how many entries are still waiting', async () => {
    for (let i = 0; i < 7; i++) await dev.repo.create('households', household({ room: `${200 + i}` }))
    const pending: (number | undefined)[] = []
    dev.ctx.onProgress = (p) => pending.push(p.pending)
    await pushOutbox(dev.ctx, 3)
    expect(pending).toEqual([4, 1, 0])
  })

  it('sends a record before its updates and an issue before its events (HLC order)', async () => {
    const i = await dev.repo.create('issues', issue())
    await dev.repo.create('issueEvents', issueEvent(i.id, 'reported', T0))
    await dev.repo.update('issues', i.id, { level: 'grid' })
    await pushOutbox(dev.ctx, 1)
    expect(await dev.db.rejected.count()).toBe(0)
    expect(server.record('issues', i.id)?.level).toBe('grid')
  })

  it('keeps the outbox when the answer is lost, and a retry is answered duplicate, not applied twice', async () => {
    await dev.repo.create('households', household())
    let lose = true
    dev.ctx.fetch = async (url, init) => {
      const res = await server.fetch(url, init)
      if (lose && url.includes('/push')) {
        lose = false
        throw new TypeError('connection reset')
      }
      return res
    }
    await expect(pushOutbox(dev.ctx)).rejects.toBeInstanceOf(NetworkError)
    const [entry] = await dev.db.outbox.toArray()
    expect(entry.attempts).toBe(1)
    expect(server.records('households')).toHaveLength(1)
    const out = await pushOutbox(dev.ctx)
    expect(out.acknowledged).toBe(1)
    expect(await dev.db.outbox.count()).toBe(0)
    expect(server.records('households')).toHaveLength(1)
  })

  it('moves a rejected mutation to 需处理 with its reason and keeps going with the rest', async () => {
    const before = await dev.repo.create('households', household())
    // The judge refuses a record in a grid the worker does not work in.
    const bad = await dev.repo.create('households', household({ gridId: OTHER_GRID_ID }))
    const after = await dev.repo.create('households', household({ room: '302' }))
    const out = await pushOutbox(dev.ctx)
    expect(out).toMatchObject({ acknowledged: 2, rejected: 1 })
    const [rejected] = await dev.db.rejected.toArray()
    expect(rejected.recordId).toBe(bad.id)
    expect(rejected.reason).toMatch(/grid/)
    // The refused create leaves the phone's records (its data waits in 需处理 for a retry).
    expect(await dev.db.households.get(bad.id)).toBeUndefined()
    expect(server.record('households', before.id)).toBeDefined()
    expect(server.record('households', after.id)).toBeDefined()
    expect(await dev.db.outbox.count()).toBe(0)
  })

  it('keeps the rejection code and its parameters for the phone to translate', async () => {
    const bad = await dev.repo.create('households', household({ gridId: OTHER_GRID_ID }))
    const real = dev.ctx.fetch
    dev.ctx.fetch = async (url, init) => {
      const res = await real(url, init)
      if (!url.includes('/push')) return res
      const body = (await res.json()) as { results: { mutationId: string; status: string }[] }
      const results = body.results.map((r) => (r.status === 'rejected' ? { ...r, code: 'already_accepted', params: { name: '张伟' } } : r))
      return { status: res.status, json: async () => ({ results }) }
    }
    await pushOutbox(dev.ctx)
    expect(await dev.db.rejected.get((await dev.db.rejected.toArray())[0].id)).toMatchObject({
      recordId: bad.id,
      code: 'already_accepted',
      params: { name: '张伟' },
    })
  })

  it('finds the one bad mutation when the server refuses a whole batch', async () => {
    const records = []
    for (let i = 0; i < 5; i++) records.push(await dev.repo.create('households', household({ room: `${i}` })))
    const poison = records[3].id
    const fetch: FetchLike = async (url, init) => {
      if (url.includes('/push') && String(init.body).includes(poison)) {
        return { status: 400, json: async () => ({ error: 'bad_request', message: 'room is not valid' }) }
      }
      return server.fetch(url, init)
    }
    dev.ctx.fetch = fetch
    const out = await pushOutbox(dev.ctx)
    expect(out).toMatchObject({ acknowledged: 4, rejected: 1 })
    expect((await dev.db.rejected.toArray())[0]).toMatchObject({ recordId: poison, reason: 'room is not valid', code: 'invalid', params: { detail: 'room is not valid' } })
  })

  it('uploads a record’s photos before the mutation that names them', async () => {
    const sha = 'a'.repeat(64)
    await dev.db.blobs.add({ sha256: sha, type: 'image/jpeg', size: 3, data: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }), uploaded: 0, createdAt: 1 })
    await dev.repo.create('issues', issue({ photoIds: [sha] }))
    await pushOutbox(dev.ctx)
    expect(server.log).toEqual([`PUT /api/blobs/${sha}`, 'POST /api/sync/push'])
    expect(server.blobs.has(sha)).toBe(true)
    expect((await dev.db.blobs.get(sha))?.uploaded).toBe(1)
  })

  it('keeps the outbox and says so on 401 unauthorized; distinguishes a revoked device', async () => {
    await dev.repo.create('households', household())
    server.sessions.clear()
    await expect(pushOutbox(dev.ctx)).rejects.toBeInstanceOf(UnauthorizedError)
    expect(await dev.db.outbox.count()).toBe(1)
    server.addSession('token-phone1', { userId: USER_ID, deviceId: 'phone1' })
    server.revokedDevices.add('phone1')
    await expect(pushOutbox(dev.ctx)).rejects.toBeInstanceOf(DeviceRevokedError)
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it('counts a request that never answers as failed, not as sent', async () => {
    await dev.repo.create('households', household())
    dev.ctx.timeoutMs = 30
    dev.ctx.fetch = () => new Promise(() => {})
    await expect(pushOutbox(dev.ctx)).rejects.toMatchObject({ name: 'NetworkError', message: expect.stringMatching(/^网络不可用.*没有回应/), detail: expect.stringMatching(/no answer/) })
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it('treats a 5xx as retryable and keeps everything queued', async () => {
    await dev.repo.create('households', household())
    server.forcedStatus.push(503)
    await expect(pushOutbox(dev.ctx)).rejects.toMatchObject({ name: 'ServerError', retryable: true })
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it.each([403, 404, 405])('keeps every record queued on a %i from something in between, never moving them to 需处理', async (status) => {
    const h = await dev.repo.create('households', household())
    await dev.repo.create('households', household({ room: '999' }))
    server.forcedStatus.push(status)
    await expect(pushOutbox(dev.ctx)).rejects.toMatchObject({ name: 'ServerError', retryable: true })
    expect(await dev.db.outbox.count()).toBe(2)
    expect(await dev.db.rejected.count()).toBe(0)
    expect(await dev.db.households.get(h.id)).toBeDefined()
  })
})
