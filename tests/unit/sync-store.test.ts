import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useSyncStore } from '@/app/session/sync.store'
import { summarizeChange } from '@/features/sync/sync.models'
import messages from '@/features/sync/sync.messages'
import { FakeServer } from './sync-fakeServer'
import { household, issue, issueEvent, makeDevice, until, USER_ID, type Device } from './sync-helpers'

let server: FakeServer
let dev: Device

beforeEach(async () => {
  setActivePinia(createPinia())
  server = new FakeServer()
  server.addSession('token-s1', { userId: USER_ID, deviceId: 's1' })
  dev = await makeDevice('s1', server.fetch)
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
    const i = await dev.repo.create('issues', issue())
    await dev.repo.create('issueEvents', issueEvent(i.id, 'closed', 1))
    const late = await dev.repo.create('issueEvents', issueEvent(i.id, 'progress', 2))
    await sync.syncNow()
    await until(() => sync.rejected.length === 1)
    expect(sync.rejected[0]).toMatchObject({ recordId: late.id, reason: 'issue is closed' })
    await sync.retryRejected(sync.rejected[0].id)
    await until(() => sync.rejected.length === 0 && sync.pendingCount === 1)
    expect(await dev.db.issueEvents.get(late.id)).toBeDefined()
    await sync.syncNow()
    await until(() => sync.rejected.length === 1)
    await sync.discardRejected(sync.rejected[0].id)
    await until(() => sync.rejected.length === 0)
    expect(await dev.db.issueEvents.get(late.id)).toBeUndefined()
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
