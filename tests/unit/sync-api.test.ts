/** The page's apiFetch (src/app/session/api.ts) and the account store's calls through it. */
import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta, setMeta } from '@/db'
import type { LoginResponse } from '@/domain/auth'
import { apiFetch, NetworkError } from '@/app/session/api'
import { LoginError, useAccountStore } from '@/app/session/account.store'

const session: LoginResponse = {
  token: 'tok_api_test',
  user: { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9d', name: '李秀兰', role: 'worker', gridIds: ['0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9e'] },
  expiresAt: Date.now() + 86_400_000,
}

function answer(body: unknown, status = 200, date?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (date !== undefined) headers.date = new Date(date).toUTCString()
  return new Response(JSON.stringify(body), { status, headers })
}

beforeEach(async () => {
  setActivePinia(createPinia())
  await Promise.all(appDb().tables.map((t) => t.clear()))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('apiFetch (page)', () => {
  it('sends the stored session’s token and notes the server’s clock', async () => {
    await setMeta(appDb(), 'session', session)
    const fetch = vi.fn(async () => answer({ ok: true }, 200, Date.now() + 3_600_000))
    vi.stubGlobal('fetch', fetch)
    expect(await apiFetch('/api/anything')).toEqual({ ok: true })
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok_api_test')
    expect(Math.abs((await getMeta(appDb(), 'clockOffset'))! - 3_600_000)).toBeLessThan(2_000)
  })

  it('reads 网络不可用 when there is no answer, never "Failed to fetch"', async () => {
    await setMeta(appDb(), 'session', session)
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const err = await apiFetch('/api/devices').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as Error).message).toBe('网络不可用，请检查网络后重试')
  })
})

describe('account store through apiFetch', () => {
  it('logs in anonymously, then refreshes who it is from /api/me', async () => {
    const urls: string[] = []
    const auth: (string | undefined)[] = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      urls.push(url)
      auth.push((init.headers as Record<string, string>).authorization)
      if (url === '/api/auth/login') return answer(session)
      return answer({ user: { ...session.user, gridIds: [] }, device: { id: 'dev', name: null }, expiresAt: session.expiresAt + 1 })
    })
    const account = useAccountStore()
    await account.load()
    await account.login('worker01', 'demo1234')
    expect(await account.refresh()).toBe(true)
    expect(urls).toEqual(['/api/auth/login', '/api/me'])
    expect(auth).toEqual([undefined, 'Bearer tok_api_test'])
    expect(account.user?.gridIds).toEqual([])
    expect((await getMeta(appDb(), 'session'))?.user.gridIds).toEqual([])
  })

  it('tells a wrong password from no network', async () => {
    const account = useAccountStore()
    await account.load()
    vi.stubGlobal('fetch', async () => answer({ error: 'invalid_credentials', message: '账号或密码错误' }, 401))
    await expect(account.login('worker01', 'x')).rejects.toMatchObject({ code: 'invalid' })
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const err = await account.login('worker01', 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LoginError)
    expect((err as LoginError).code).toBe('offline')
  })
})
