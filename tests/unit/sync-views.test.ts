// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { i18n } from '@/app/i18n'
import SyncStatus from '@/features/sync/SyncStatus.vue'
import NeedsAttention from '@/features/sync/NeedsAttention.vue'
import { useSyncStore } from '@/app/session/sync.store'
import { FakeServer } from './sync-fakeServer'
import { household, issue, issueEvent, makeDevice, until, USER_ID, type Device } from './sync-helpers'

let server: FakeServer
let dev: Device

beforeEach(async () => {
  setActivePinia(createPinia())
  server = new FakeServer()
  server.addSession('token-v1', { userId: USER_ID, deviceId: 'v1' })
  dev = await makeDevice('v1', server.fetch)
})
afterEach(async () => {
  useSyncStore().stop()
  await dev.db.delete()
})

describe('SyncStatus', () => {
  it('shows the pending count, and says 同步完成 only after 立即同步 succeeded', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    await dev.repo.create('households', household())
    const wrapper = mount(SyncStatus, { global: { plugins: [i18n] } })
    await until(() => wrapper.text().includes('待同步 1 条'))
    expect(wrapper.text()).toContain('尚未同步')
    server.forcedStatus.push(503)
    await wrapper.find('button').trigger('click')
    await until(() => wrapper.text().includes('同步未完成'))
    expect(wrapper.text()).not.toContain('同步完成')
    await wrapper.find('button').trigger('click')
    await until(() => wrapper.text().includes('同步完成'))
    await until(() => wrapper.text().includes('待同步 0 条'))
    expect(wrapper.text()).toContain('上次同步')
    wrapper.unmount()
  })
})

describe('NeedsAttention', () => {
  it('lists a refused change with its reason and discards it', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    const i = await dev.repo.create('issues', issue())
    await dev.repo.create('issueEvents', issueEvent(i.id, 'closed', 1))
    await dev.repo.create('issueEvents', issueEvent(i.id, 'progress', 2))
    await sync.syncNow()
    const wrapper = mount(NeedsAttention, { global: { plugins: [i18n] } })
    await until(() => wrapper.text().includes('原因：issue is closed'))
    expect(wrapper.text()).toContain('需处理 (1)')
    expect(wrapper.text()).toContain('事件进展')
    const discard = wrapper.findAll('button').find((b) => b.text() === '放弃')!
    await discard.trigger('click')
    await until(() => wrapper.text().includes('没有需要处理的记录'))
    await flushPromises()
    wrapper.unmount()
  })
})
