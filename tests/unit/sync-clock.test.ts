/** The phone's clock corrected by the server's, and what apiFetch makes of failures. */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getMeta } from '@/db'
import { parseHlc } from '@/domain/hlc'
import { apiFetch, apiRequest, NETWORK_UNAVAILABLE, NetworkError, syncOnce, type ApiClient } from '@/sync'
import type { MemoryServer } from './sync-server'
import { household, serverAndDevice, T0, type Device } from './sync-helpers'

const DAY = 86_400_000

let server: MemoryServer
let dev: Device

beforeEach(async () => {
  ;({ server, dev } = await serverAndDevice('clock1'))
})
afterEach(async () => {
  await dev.db.delete()
})

describe('clock correction by the server’s Date', () => {
  it('a phone whose clock is a day ahead stamps near the server’s time after one answer', async () => {
    server.now = () => T0
    dev.clock.t = T0 + DAY
    await syncOnce(dev.ctx)
    const offset = await getMeta(dev.db, 'clockOffset')
    expect(Math.abs(offset! + DAY)).toBeLessThan(1_000)
    const h = await dev.repo.create('households', household())
    expect(Math.abs(parseHlc(h.hlc).wall - T0)).toBeLessThan(1_000)
    expect(parseHlc(h.hlc).node).toBe('clock1')
    const summary = await syncOnce(dev.ctx)
    expect(summary).toMatchObject({ acknowledged: 1, rejected: 0 })
  })

  it('a phone whose clock is behind catches up with the server the same way', async () => {
    server.now = () => T0
    dev.clock.t = T0 - 3 * 60 * 60_000
    await syncOnce(dev.ctx)
    const h = await dev.repo.create('households', household())
    expect(Math.abs(parseHlc(h.hlc).wall - T0)).toBeLessThan(1_000)
  })

  it('ignores differences below the Date header’s one-second resolution', async () => {
    server.now = () => T0
    dev.clock.t = T0 + 300
    await syncOnce(dev.ctx)
    expect(await getMeta(dev.db, 'clockOffset')).toBeUndefined()
  })

  it('without an answer the phone stamps by its own clock', async () => {
    dev.clock.t = T0 + DAY
    const h = await dev.repo.create('households', household())
    expect(parseHlc(h.hlc).wall).toBe(T0 + DAY)
  })
})

describe('apiFetch', () => {
  const client = (fetch: ApiClient['fetch']): ApiClient => ({ fetch, baseUrl: '', timeoutMs: 1_000, now: () => T0, token: async () => 'tok' })

  it('turns "Failed to fetch" into 网络不可用，请检查网络后重试, keeping the cause for logs', async () => {
    const err = await apiFetch(client(async () => {
      throw new TypeError('Failed to fetch')
    }), { method: 'GET', path: '/api/me' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as Error).message).toBe(NETWORK_UNAVAILABLE)
    expect((err as Error).message).not.toMatch(/Failed to fetch/)
    expect((err as NetworkError).detail).toBe('Failed to fetch')
  })

  it('sends the bearer token, and reads the server’s {error, message} on a refusal', async () => {
    let auth = ''
    const err = await apiFetch(client(async (_url, init) => {
      auth = init.headers.authorization
      return { status: 403, json: async () => ({ error: 'forbidden', message: '只有网格长可以查看' }) }
    }), { method: 'GET', path: '/api/devices' }).catch((e: unknown) => e)
    expect(auth).toBe('Bearer tok')
    expect(err).toMatchObject({ name: 'ServerError', status: 403, code: 'forbidden', message: '只有网格长可以查看' })
  })

  it('maps 401 device_revoked apart from an expired session', async () => {
    const answer = (error: string) => client(async () => ({ status: 401, json: async () => ({ error, message: error === 'device_revoked' ? '此设备已被管理员停用' : '登录已过期' }) }))
    await expect(apiFetch(answer('device_revoked'), { method: 'GET', path: '/api/me' })).rejects.toMatchObject({ name: 'DeviceRevokedError', message: '此设备已被管理员停用' })
    await expect(apiFetch(answer('unauthorized'), { method: 'GET', path: '/api/me' })).rejects.toMatchObject({ name: 'UnauthorizedError' })
  })

  it('sends no token on an anonymous call (the login) and notes the server’s time from the engine’s requests', async () => {
    let headers: Record<string, string> = {}
    await apiFetch(client(async (_url, init) => {
      headers = init.headers
      return { status: 200, json: async () => ({ ok: true }) }
    }), { method: 'POST', path: '/api/auth/login', json: {}, auth: false })
    expect(headers.authorization).toBeUndefined()
    server.now = () => T0 + 5 * 60_000
    await apiRequest(dev.ctx, { method: 'GET', path: '/api/sync/pull' })
    expect(Math.abs((await getMeta(dev.db, 'clockOffset'))! - 5 * 60_000)).toBeLessThan(1_000)
  })
})
