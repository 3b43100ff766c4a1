// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { i18n } from '@/app/i18n'
import SyncStatus from '@/features/sync/SyncStatus.vue'
import NeedsAttention from '@/features/sync/NeedsAttention.vue'
import { useSyncStore } from '@/app/session/sync.store'
import type { MemoryServer } from './sync-server'
import { uuidv7 } from '@/domain/ids'
import { household, OTHER_GRID_ID, serverAndDevice, T0, until, type Device } from './sync-helpers'

let server: MemoryServer
let dev: Device

beforeEach(async () => {
  setActivePinia(createPinia())
  ;({ server, dev } = await serverAndDevice('v1'))
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
  it('shows why a change was refused in Chinese from its code, and discards it', async () => {
    const sync = useSyncStore()
    const real = dev.ctx.fetch
    // The server's answer carries a code with parameters; the phone shows its own text for it.
    const fetch: typeof real = async (url, init) => {
      const res = await real(url, init)
      if (!url.includes('/push')) return res
      const body = (await res.json()) as { results: { status: string }[] }
      return { status: res.status, json: async () => ({ results: body.results.map((r) => (r.status === 'rejected' ? { ...r, code: 'already_accepted', params: { name: '张伟' } } : r)) }) }
    }
    await sync.start({ db: dev.db, fetch, triggers: false })
    await dev.repo.create('households', household({ gridId: OTHER_GRID_ID }))
    await sync.syncNow()
    const wrapper = mount(NeedsAttention, { global: { plugins: [i18n] } })
    await until(() => wrapper.text().includes('原因：已由 张伟 接单'))
    expect(wrapper.text()).toContain('需处理 (1)')
    expect(wrapper.text()).toContain('住户')
    expect(wrapper.text()).not.toMatch(/grid/)
    const discard = wrapper.findAll('button').find((b) => b.text() === '放弃')!
    await discard.trigger('click')
    await until(() => wrapper.text().includes('没有需要处理的记录'))
    await flushPromises()
    wrapper.unmount()
  })

  it('says a record left the worker’s grids, offers no 重新提交 for it, and shows an old entry’s sentence', async () => {
    const sync = useSyncStore()
    await sync.start({ db: dev.db, fetch: dev.ctx.fetch, triggers: false })
    const base = { entity: 'households' as const, op: 'put' as const, fields: { notes: '复查' }, hlc: '001763880000000-00000-v1', queuedAt: T0, attempts: 0, rejectedAt: T0 }
    await dev.db.rejected.bulkPut([
      { ...base, id: uuidv7(), recordId: uuidv7(), reason: 'This record has left your grids', code: 'removed_from_scope', params: {} },
      { ...base, id: uuidv7(), recordId: uuidv7(), reason: 'an old server sentence' },
    ])
    const wrapper = mount(NeedsAttention, { global: { plugins: [i18n] } })
    await until(() => wrapper.text().includes('该记录已移出您负责的网格'))
    expect(wrapper.text()).toContain('原因：an old server sentence')
    expect(wrapper.findAll('button').filter((b) => b.text() === '重新提交')).toHaveLength(1)
    wrapper.unmount()
  })
})
