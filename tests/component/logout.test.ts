// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta } from '@/db'
import type { OutboxEntry } from '@/domain/sync'
import { callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, stubFetch, testVault, until, unmountAll, button } from './helpers'
import { isUnlocked } from '@/db/crypto'

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

function addPending(n: number) {
  const entries = Array.from({ length: n }, (_, i) => ({ id: `m${i}`, recordId: `r${i}` }) as unknown as OutboxEntry)
  return appDb().outbox.bulkAdd(entries)
}

describe('logout', () => {
  it('warns about unsynced records, and cancelling keeps the session', async () => {
    await addPending(2)
    const fetch = stubFetch(() => jsonResponse({ ok: true }))
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.text().includes('退出登录'))
    button('退出登录').click()
    await until(() => document.body.textContent!.includes('还有 2 条记录未同步，退出后本机数据将被清除，这些记录将无法上传。确定退出？'))

    button('取消').click()
    await new Promise((r) => setTimeout(r, 50))
    expect(router.currentRoute.value.path).toBe('/me')
    expect(await getMeta(appDb(), 'session')).toEqual(session)
    expect(callsTo(fetch, '/api/auth/')).toHaveLength(0)
  })

  it('on confirm tells the server, and deletes the session, the records and the data key', async () => {
    await addPending(1)
    const fetch = stubFetch(() => jsonResponse({ ok: true }))
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.text().includes('退出登录'))
    button('退出登录').click()
    await until(() => document.body.textContent!.includes('还有 1 条记录未同步'))
    button('退出').click()

    await until(() => router.currentRoute.value.path === '/login')
    expect(fetch).toHaveBeenCalledWith('/api/auth/logout', expect.objectContaining({ method: 'POST' }))
    const init = callsTo(fetch, '/api/auth/logout')[0][1]
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${session.token}`)
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
    // Issue 19: the warned-of records go with the key; nothing sealed is left to guess the PIN for.
    expect(await appDb().outbox.count()).toBe(0)
    expect(await testVault().hasPin()).toBe(false)
    expect(isUnlocked()).toBe(false)
  })

  it('still logs out locally when the server cannot be reached', async () => {
    stubFetch(() => Promise.reject(new TypeError('offline')))
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.text().includes('退出登录'))
    button('退出登录').click()
    await until(() => document.body.textContent!.includes('退出后需要联网才能再次登录'))
    button('退出').click()
    await until(() => router.currentRoute.value.path === '/login')
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })
})
