// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import type { Device } from '@/domain/devices'
import { callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll, button } from './helpers'

const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '王建国' } }
const workerId = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
// 2025-01-15 10:30 in Shanghai is 02:30 UTC.
const lastSeen = Date.UTC(2025, 0, 15, 2, 30)
const revokedAt = Date.UTC(2025, 0, 16, 1, 5)

function device(over: Partial<Device> = {}): Device {
  return {
    id: 'LostPhone0123456', userId: workerId, username: 'worker01', userName: '张伟', name: 'Android 14 · Chrome 131',
    firstSeen: lastSeen - 86_400_000, lastSeen, revoked: false, revokedAt: null, ...over,
  }
}

/** A server holding one active device; revoking it marks it. Sync and anything else: no signal. */
function fakeServer() {
  let devices = [device()]
  return stubFetch(async (url, init) => {
    if (url === '/api/devices' && (init?.method ?? 'GET') === 'GET') return jsonResponse({ devices })
    const m = /^\/api\/devices\/([^/]+)\/revoke$/.exec(url)
    if (m && init?.method === 'POST') {
      devices = devices.map((d) => (d.id === decodeURIComponent(m[1]) ? { ...d, revoked: true, revokedAt } : d))
      return jsonResponse({ ok: true, deviceId: m[1], userIds: [workerId], sessions: 1 })
    }
    throw new TypeError('Failed to fetch')
  })
}

/** The open Vant dialog (a singleton kept in <body> between tests, hidden when closed). */
const openDialog = () => [...document.querySelectorAll<HTMLElement>('.van-dialog')].find((d) => d.style.display !== 'none') ?? null

const items = () => [...document.querySelectorAll<HTMLElement>('.devices-item')]
/** The list's 停用 (the hidden dialog kept in <body> has a 停用 button too). */
function revokeButton(): HTMLButtonElement {
  const found = items()[0]?.querySelector('button')
  if (found?.textContent?.trim() !== '停用') throw new Error('no 停用 button in the list')
  return found
}

beforeEach(async () => {
  await resetDb()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('设备管理', () => {
  it('a supervisor opens it from 我的, sees the devices, and 停用 after confirming revokes and refreshes', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.text().includes('设备管理'))
    const cell = [...document.querySelectorAll<HTMLElement>('.van-cell')].find((c) => c.textContent?.includes('设备管理'))
    cell!.click()
    await until(() => router.currentRoute.value.path === '/me/devices')
    await until(() => items().length === 1)
    expect(wrapper.find('.van-tabbar').exists()).toBe(false)

    const text = items()[0].textContent!
    for (const part of ['张伟（worker01）', 'Android 14 · Chrome 131', 'LostPh…3456', '2025年1月15日 10:30', '使用中']) expect(text).toContain(part)
    expect(text).not.toContain('LostPhone0123456')
    expect(new Headers(callsTo(fetch, '/api/devices')[0][1]?.headers).get('authorization')).toBe(`Bearer ${session.token}`)

    revokeButton().click()
    await until(() => openDialog()?.textContent?.includes('停用后该设备将无法同步，本机数据会在下次联网时被清除。确定停用？') ?? false)
    expect(callsTo(fetch, '/api/devices/')).toHaveLength(0)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()

    await until(() => items()[0]?.textContent?.includes('已停用') ?? false)
    const [revoke] = callsTo(fetch, '/api/devices/LostPhone0123456/revoke')
    expect(revoke[1]?.method).toBe('POST')
    expect(new Headers(revoke[1]?.headers).get('authorization')).toBe(`Bearer ${session.token}`)
    expect(JSON.parse(String(revoke[1]?.body))).toEqual({ userId: workerId })
    expect(items()[0].textContent).toContain('2025年1月16日 09:05')
    expect(items()[0].textContent).not.toContain('使用中')
    expect(items()[0].querySelector('button')).toBeNull()
    expect(callsTo(fetch, '/api/devices').filter(([u]) => u === '/api/devices')).toHaveLength(2)
  })

  it('cancelling the confirmation revokes nothing', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    await mountApp('/me/devices')
    await until(() => items().length === 1)
    revokeButton().click()
    await until(() => openDialog()?.textContent?.includes('确定停用？') ?? false)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__cancel')!.click()
    await until(() => openDialog() === null)
    await new Promise((r) => setTimeout(r, 50))
    await settle()
    expect(callsTo(fetch, '/api/devices/')).toHaveLength(0)
    expect(items()[0].textContent).toContain('使用中')
  })

  it('revoking one’s own current device asks twice; cancelling the second question revokes nothing', async () => {
    await setMeta(appDb(), 'session', supervisor)
    await setMeta(appDb(), 'deviceId', 'MyOwnPhone000001')
    const own = device({ id: 'MyOwnPhone000001', userId: supervisor.user.id, username: 'supervisor', userName: '王建国', name: '本人手机' })
    const fetch = stubFetch(async (url) => (url === '/api/devices' ? jsonResponse({ devices: [own] }) : Promise.reject(new TypeError('Failed to fetch'))))
    await mountApp('/me/devices')
    await until(() => items().length === 1)
    expect(items()[0].textContent).toContain('本机')

    revokeButton().click()
    await until(() => openDialog()?.textContent?.includes('确定停用？') ?? false)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    // the second question names what happens to the phone in one's hand
    await until(() => openDialog()?.textContent?.includes('这是您正在使用的这台设备') ?? false)
    expect(openDialog()!.textContent).toContain('仍要停用本机')
    expect(callsTo(fetch, '/api/devices/')).toHaveLength(0)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__cancel')!.click()
    await until(() => openDialog() === null)
    await new Promise((r) => setTimeout(r, 50))
    await settle()
    expect(callsTo(fetch, '/api/devices/')).toHaveLength(0)
  })

  it('confirming twice revokes one’s own current device', async () => {
    await setMeta(appDb(), 'session', supervisor)
    await setMeta(appDb(), 'deviceId', 'MyOwnPhone000001')
    let devices = [device({ id: 'MyOwnPhone000001', userId: supervisor.user.id, username: 'supervisor', userName: '王建国' })]
    const fetch = stubFetch(async (url, init) => {
      if (url === '/api/devices') return jsonResponse({ devices })
      if (url.endsWith('/revoke') && init?.method === 'POST') {
        devices = devices.map((d) => ({ ...d, revoked: true, revokedAt }))
        return jsonResponse({ ok: true })
      }
      throw new TypeError('Failed to fetch')
    })
    await mountApp('/me/devices')
    await until(() => items().length === 1)
    revokeButton().click()
    await until(() => openDialog()?.textContent?.includes('确定停用？') ?? false)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => openDialog()?.textContent?.includes('这是您正在使用的这台设备') ?? false)
    openDialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => callsTo(fetch, '/api/devices/MyOwnPhone000001/revoke').length === 1)
  })

  it('a worker does not see 设备管理 in 我的 and is sent back from the page', async () => {
    await saveTestSession()
    const fetch = fakeServer()
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.text().includes('退出登录'))
    expect(wrapper.text()).not.toContain('设备管理')

    await router.push('/me/devices')
    await settle()
    expect(router.currentRoute.value.path).toBe('/me')
    expect(callsTo(fetch, '/api/devices')).toHaveLength(0)
  })

  it('with no signal says the network is needed, and 重试 loads the list once it is back', async () => {
    await setMeta(appDb(), 'session', supervisor)
    stubFetch(() => {
      throw new TypeError('Failed to fetch')
    })
    const { wrapper } = await mountApp('/me/devices')
    await until(() => wrapper.text().includes('需要联网才能管理设备'))
    expect(items()).toHaveLength(0)

    fakeServer()
    button('重试').click()
    await until(() => items().length === 1)
    expect(wrapper.text()).not.toContain('需要联网才能管理设备')
  })

  it('shows the server’s message when it refuses', async () => {
    await setMeta(appDb(), 'session', supervisor)
    stubFetch((url) =>
      url === '/api/devices' ? jsonResponse({ error: 'forbidden', message: '当前账号无权执行此操作' }, 403) : Promise.reject(new TypeError('Failed to fetch')),
    )
    const { wrapper } = await mountApp('/me/devices')
    await until(() => wrapper.text().includes('当前账号无权执行此操作'))
    expect(wrapper.find('[role="alert"]').text()).toContain('当前账号无权执行此操作')
    button('重试')
  })
})
