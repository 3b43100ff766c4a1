// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta, ensureDeviceId } from '@/db'
import type { OutboxEntry } from '@/domain/sync'
import { jsonResponse, mountApp, resetDb, saveTestSession, stubFetch, until, unmountAll } from './helpers'

beforeEach(async () => {
  await resetDb()
  await ensureDeviceId(appDb(), () => 'phone-expired')
  await saveTestSession()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('an expired session', () => {
  it('asks to log in again and keeps every unsynced record', async () => {
    await appDb().outbox.add({ id: 'm1', entity: 'households', recordId: 'r1', op: 'put', fields: {}, hlc: '001763880000000-00000-phone-expired', queuedAt: 1, attempts: 0 } as OutboxEntry)
    stubFetch((url) =>
      url.startsWith('/api/sync/')
        ? jsonResponse({ error: 'unauthorized', message: '登录已失效，请重新登录' }, 401)
        : jsonResponse({ ok: true }),
    )
    const { wrapper, router } = await mountApp('/today')
    await until(() => wrapper.text().includes('登录已过期，请重新登录后同步'))
    const relogin = wrapper.findAll('button').find((b) => b.text() === '重新登录')
    expect(relogin).toBeDefined()
    await relogin!.trigger('click')
    await until(() => router.currentRoute.value.path === '/login')
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
    expect(await appDb().outbox.count()).toBe(1)
  })
})
