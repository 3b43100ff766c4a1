import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useSyncStore } from '@/app/session/sync.store'
import { summarizeChange } from '@/features/sync/sync.models'
import messages from '@/features/sync/sync.messages'
import type { MemoryServer } from './sync-server'
import { uuidv7 } from '@/domain/ids'
import { household, issue, issueEvent, OTHER_GRID_ID, serverAndDevice, T0, until, type Device } from './sync-helpers'

let server: MemoryServer
let dev: Device

beforeEach(async () => {
  setActivePinia(createPinia())
  ;({ server, dev } = await serverAndDevice('s1'))
})
afterEach(async () => {
  useSyncStore().stop()
  await dev.db.delete()
})

describe('useSyncStore', () => {
  it('shows the pending count live and reports success only after a whole run', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    await dev.repo.create('households', household())
    await until(() => sync.pendingCount === 1)
    expect(await sync.syncNow()).toBe(true)
    expect(sync.phase).toBe('idle')
    expect(sync.lastSyncAt).toBeTypeOf('number')
    await until(() => sync.pendingCount === 0)
  })

  it('says the run failed when the server is down, and keeps the records waiting', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    await dev.repo.create('households', household())
    server.forcedStatus.push(503)
    expect(await sync.syncNow()).toBe(false)
    expect(sync.phase).toBe('error')
    expect(sync.lastSyncAt).toBeNull()
    await until(() => sync.pendingCount === 1)
  })

  it('says 离线 when the server cannot be reached at all, even if the browser reports a network', async () => {
    const sync = useSyncStore()
    const unreachable = async () => {
      throw new TypeError('Failed to fetch')
    }
    await sync.start({ db: dev.db, fetch: unreachable, triggers: false })
    await dev.repo.create('households', household())
    expect(sync.online).toBe(true)
    expect(await sync.syncNow()).toBe(false)
    expect(sync.phase).toBe('offline')
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it('asks for a login on 401 and keeps the outbox', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    await dev.repo.create('households', household())
    server.sessions.clear()
    expect(await sync.syncNow()).toBe(false)
    expect(sync.phase).toBe('needs-login')
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it('shows why a device was revoked, then wipes the local database', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    server.revokedDevices.add('s1')
    expect(await sync.syncNow()).toBe(false)
    expect(sync.phase).toBe('revoked')
    expect(sync.revokedReason).toBe('此设备已被管理员停用')
    await sync.wipeRevokedDevice()
    expect(await indexedDB.databases()).not.toContainEqual(expect.objectContaining({ name: dev.db.name }))
  })

  it('lists rejected changes (需处理) and lets the worker retry or discard them', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    // The judge refuses a household in a grid the worker does not work in.
    const bad = await dev.repo.create('households', household({ gridId: OTHER_GRID_ID }))
    await sync.syncNow()
    await until(() => sync.rejected.length === 1)
    expect(sync.rejected[0].recordId).toBe(bad.id)
    expect(sync.rejected[0].reason).toMatch(/grid/)
    expect(await sync.retryRejected(sync.rejected[0].id)).toBe(true)
    await until(() => sync.rejected.length === 0 && sync.pendingCount === 1)
    expect(await dev.db.households.get(bad.id)).toBeDefined()
    await sync.syncNow()
    await until(() => sync.rejected.length === 1)
    await sync.discardRejected(sync.rejected[0].id)
    await until(() => sync.rejected.length === 0)
    expect(await dev.db.households.get(bad.id)).toBeUndefined()
  })

  it('retries through the Repository: a change that no longer passes its schema stays in 需处理 with the reason', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    const h = await dev.repo.create('households', household())
    await sync.syncNow()
    await dev.db.rejected.put({
      id: uuidv7(), entity: 'households', recordId: h.id, op: 'put', fields: { headName: '' }, hlc: h.hlc,
      queuedAt: T0, attempts: 0, reason: 'x', rejectedAt: T0,
    })
    await until(() => sync.rejected.length === 1)
    expect(await sync.retryRejected(sync.rejected[0].id)).toBe(false)
    expect(sync.attentionError).toMatch(/headName/)
    expect(await dev.db.rejected.count()).toBe(1)
    expect(await dev.db.outbox.count()).toBe(0)
    expect((await dev.db.households.get(h.id))?.headName).toBe(h.headName)
  })

  it('counts 待同步 by record: an issue and its 上报 event are one, two edits of a household are one', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    const i = await dev.repo.create('issues', issue())
    await dev.repo.create('issueEvents', issueEvent(i.id, 'reported', T0))
    await until(() => sync.pendingCount === 1)
    const h = await dev.repo.create('households', household())
    await dev.repo.update('households', h.id, { notes: '复查' })
    await until(() => sync.pendingCount === 2)
    expect(await dev.db.outbox.count()).toBe(4)
    expect(await sync.syncNow()).toBe(true)
    await until(() => sync.pendingCount === 0)
    // A later step of a synced issue shows as that issue waiting.
    dev.clock.t += 1000
    await dev.repo.create('issueEvents', issueEvent(i.id, 'progress', dev.clock.t))
    await until(() => sync.pendingCount === 1)
  })
})

describe('sync views’ helpers', () => {
  it('summarises a change by the field a person recognises', () => {
    expect(summarizeChange({ recordId: 'x', fields: { title: '楼道堆放杂物', level: 'grid' } })).toBe('楼道堆放杂物')
    expect(summarizeChange({ recordId: 'x', fields: { phone: '139', hlc: 'h' } })).toBe('phone')
  })

  it('has the same message keys in both languages', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort())
  })
})

describe('useSyncStore triggers', () => {
  it('syncs by itself shortly after a local write', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false, debounceMs: 20 })
    await dev.repo.create('households', household())
    // liveQuery notices the new outbox entry, the loop waits for the debounce, then syncs.
    await until(() => sync.lastSyncAt !== null)
    expect(server.records('households')).toHaveLength(1)
    await until(() => sync.pendingCount === 0)
  })
})
