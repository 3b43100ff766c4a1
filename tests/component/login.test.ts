// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta } from '@/db'
import { callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, stubFetch, until, unmountAll } from './helpers'

beforeEach(resetDb)
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper'], username: string, password: string) {
  await wrapper.find('input[name="username"]').setValue(username)
  await wrapper.find('input[name="password"]').setValue(password)
  await wrapper.find('form').trigger('submit')
}

describe('login page', () => {
  it('shows the 账号 and 密码 fields (labelled) and the 登录 button', async () => {
    const { wrapper } = await mountApp('/login')
    const labels = wrapper.findAll('label').map((l) => l.text())
    expect(labels).toEqual(expect.arrayContaining(['账号', '密码']))
    for (const label of wrapper.findAll('label')) {
      // Each label points at its input, so screen readers and getByLabel find it.
      expect(wrapper.find(`#${label.attributes('for')}`).element.tagName).toBe('INPUT')
    }
    expect(wrapper.find('button[type="submit"]').text()).toBe('登录')
  })

  it('sends the credentials with this device, stores the session and opens the tabs', async () => {
    const fetch = stubFetch(() => jsonResponse(session))
    const { wrapper, router } = await mountApp('/login')
    await fillAndSubmit(wrapper, ' worker01 ', 'demo1234')
    await until(() => router.currentRoute.value.path === '/today')

    expect(callsTo(fetch, '/api/auth/')).toHaveLength(1)
    const [url, init] = callsTo(fetch, '/api/auth/')[0]
    expect(url).toBe('/api/auth/login')
    const body = JSON.parse(String(init?.body))
    expect(body).toMatchObject({ username: 'worker01', password: 'demo1234' })
    expect(body.deviceId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(body.deviceId).toBe(await getMeta(appDb(), 'deviceId'))
    expect(typeof body.deviceName).toBe('string')
    expect(await getMeta(appDb(), 'session')).toEqual(session)
  })

  it.each([
    [401, '账号或密码错误'],
    [429, '尝试次数过多，请稍后再试'],
  ])('answers %i with a readable message and stores nothing', async (status, message) => {
    stubFetch(() => jsonResponse({ error: 'x', message: 'x' }, status))
    const { wrapper, router } = await mountApp('/login')
    await fillAndSubmit(wrapper, 'worker01', 'wrong')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(wrapper.find('[role="alert"]').text()).toBe(message)
    expect(router.currentRoute.value.path).toBe('/login')
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })

  it('says the network is needed when there is none', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')))
    const { wrapper } = await mountApp('/login')
    await fillAndSubmit(wrapper, 'worker01', 'demo1234')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(wrapper.find('[role="alert"]').text()).toBe('网络不可用，请联网后登录')
  })

  it('refuses an answer that is not a session', async () => {
    stubFetch(() => jsonResponse({ token: 'x' }))
    const { wrapper } = await mountApp('/login')
    await fillAndSubmit(wrapper, 'worker01', 'demo1234')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })
})

describe('start-up', () => {
  it('sends a visitor without a session to the login page', async () => {
    const { router } = await mountApp('/ledger')
    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('opens the tabs from the stored session with no network at all', async () => {
    await saveTestSession()
    const fetch = stubFetch(() => Promise.reject(new TypeError('offline')))
    const { wrapper, router } = await mountApp('/')
    expect(router.currentRoute.value.path).toBe('/today')
    await until(() => wrapper.text().includes('李秀兰'))
    expect(callsTo(fetch, '/api/auth/')).toHaveLength(0)
  })
})
