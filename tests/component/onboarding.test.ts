// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta } from '@/db'
import { loadSession } from '@/db/session'
import { button, callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, stubFetch, until, unmountAll } from './helpers'

const TOKEN = 'Zx8_k2-Lq9pV7mN3rT5wY1aB4cD6eF0g'
const linkSession = { ...session, token: 'tok_from_the_link_0123456789' }

// Opening 今日 the first time transforms the shell and today's code: slow on a busy machine.
const TODAY_MS = 20_000

let releasePull: (() => void) | null = null
beforeEach(resetDb)
afterEach(() => {
  releasePull?.()
  releasePull = null
  vi.unstubAllGlobals()
  unmountAll()
})

/** The sign-in link route answers `link`; the first download's pull waits until the test ends. */
function server(link: () => Response) {
  return stubFetch((url) => {
    if (url === '/api/auth/sign-in-link') return link()
    if (url.startsWith('/api/sync/pull')) return new Promise<Response>((_, reject) => (releasePull = () => reject(new TypeError('test over'))))
    return jsonResponse({ accepted: [], rejected: [] })
  })
}

type Wrapper = Awaited<ReturnType<typeof mountApp>>['wrapper']

async function setPassword(wrapper: Wrapper, password: string, repeat = password) {
  await wrapper.find('input[name="new-password"]').setValue(password)
  await wrapper.find('input[name="repeat-password"]').setValue(repeat)
  await wrapper.find('form').trigger('submit')
}

const alertText = (wrapper: Wrapper) => wrapper.find('[role="alert"]').text()

describe('sign-in link page', () => {
  it('takes the token out of the address bar and shows 设置密码 with two labelled fields', async () => {
    server(() => jsonResponse({}))
    const { wrapper, router } = await mountApp(`/link#t=${TOKEN}`)
    await until(() => router.currentRoute.value.hash === '', TODAY_MS)
    expect(router.currentRoute.value.fullPath).toBe('/link')
    expect(wrapper.find('h1').text()).toBe('设置密码')
    const labels = wrapper.findAll('label').map((l) => l.text())
    expect(labels).toEqual(['新密码', '确认密码'])
    for (const label of wrapper.findAll('label')) expect(wrapper.find(`#${label.attributes('for')}`).attributes('type')).toBe('password')
    expect(wrapper.find('button[type="submit"]').text()).toBe('设置密码并登录')
    // In the phone browser: no advice to switch browsers.
    expect(wrapper.find('[role="note"]').exists()).toBe(false)
  })

  it('sets the password, stores the session like a login and starts the first download on 今日', async () => {
    const fetch = server(() => jsonResponse({ ...linkSession, username: 'worker23' }))
    const { wrapper, router } = await mountApp(`/link#t=${TOKEN}`)
    await setPassword(wrapper, 'xinmima2026')
    await until(() => router.currentRoute.value.path === '/today', TODAY_MS)

    const [, init] = callsTo(fetch, '/api/auth/sign-in-link')[0]
    const body = JSON.parse(String(init?.body))
    expect(body).toMatchObject({ token: TOKEN, password: 'xinmima2026' })
    expect(body.deviceId).toBe(await getMeta(appDb(), 'deviceId'))
    expect(typeof body.deviceName).toBe('string')
    // Anonymous: no stale bearer token rides along.
    expect(new Headers(init?.headers).get('authorization')).toBeNull()
    expect(await loadSession(appDb())).toEqual({ session: linkSession, username: 'worker23' })

    // The shell syncs with the new session; an empty phone shows the first download starting.
    await until(() => callsTo(fetch, '/api/sync/pull').length > 0, TODAY_MS)
    expect(new Headers(callsTo(fetch, '/api/sync/pull')[0][1]?.headers).get('authorization')).toBe(`Bearer ${linkSession.token}`)
    await until(() => wrapper.text().includes('正在准备首次下载'), TODAY_MS)
  })

  it('checks the two fields before asking the server', async () => {
    const fetch = server(() => jsonResponse({}))
    const { wrapper } = await mountApp(`/link#t=${TOKEN}`)
    await setPassword(wrapper, 'short')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(alertText(wrapper)).toBe('密码至少需要 8 个字符')
    await setPassword(wrapper, 'xinmima2026', 'xinmima2027')
    await until(() => alertText(wrapper) === '两次输入的新密码不一致')
    expect(callsTo(fetch, '/api/auth/')).toHaveLength(0)
  })

  it.each([
    ['link_used', '二维码已使用', '此二维码已使用，请向督导索取新的二维码'],
    ['link_expired', '二维码已过期', '此二维码已过期（有效期 24 小时），请向督导索取新的二维码'],
    ['link_revoked', '二维码已被撤销', '此二维码已被督导作废，请向督导索取新的二维码'],
  ])('answers 410 %s in words, hides the form and stores nothing', async (error, message, shown) => {
    server(() => jsonResponse({ error, message }, 410))
    const { wrapper, router } = await mountApp(`/link#t=${TOKEN}`)
    await setPassword(wrapper, 'xinmima2026')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(alertText(wrapper)).toBe(shown)
    expect(wrapper.find('form').exists()).toBe(false)
    expect(router.currentRoute.value.path).toBe('/link')
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })

  it('offline keeps the form, and the same link works once the network is back', async () => {
    let online = false
    server(() => (online ? jsonResponse({ ...linkSession, username: 'worker23' }) : Promise.reject(new TypeError('Failed to fetch')) as never))
    const { wrapper, router } = await mountApp(`/link#t=${TOKEN}`)
    await setPassword(wrapper, 'xinmima2026')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(alertText(wrapper)).toBe('网络不可用，请联网后再试（二维码仍然有效）')
    online = true
    await wrapper.find('form').trigger('submit')
    await until(() => router.currentRoute.value.path === '/today', TODAY_MS)
  })

  it('shows the server words for a refused password', async () => {
    server(() => jsonResponse({ error: 'weak_password', message: '密码过于简单，请换一个' }, 400))
    const { wrapper } = await mountApp(`/link#t=${TOKEN}`)
    await setPassword(wrapper, '12345678')
    await until(() => wrapper.find('[role="alert"]').exists())
    expect(alertText(wrapper)).toBe('密码过于简单，请换一个')
    expect(wrapper.find('form').exists()).toBe(true)
  })

  it('inside 微信 says to open the page in the phone browser first', async () => {
    vi.stubGlobal('navigator', { ...navigator, onLine: true, userAgent: 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.49.2600 WeChat/arm64' })
    server(() => jsonResponse({}))
    const { wrapper } = await mountApp(`/link#t=${TOKEN}`)
    expect(wrapper.find('[role="note"]').text()).toContain('你正在微信中打开此页面')
    expect(wrapper.find('form').exists()).toBe(true)
  })

  it('without a token asks to scan the supervisor QR code', async () => {
    const { wrapper } = await mountApp('/link')
    expect(wrapper.text()).toContain('请用手机扫描督导在管理后台出示的二维码')
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.find('a[href="/login"]').text()).toBe('已有账号和密码？去登录')
  })

  it('on a phone already signed in does not replace that session', async () => {
    await saveTestSession()
    const fetch = server(() => jsonResponse({ ...linkSession, username: 'worker23' }))
    const { wrapper, router } = await mountApp(`/link#t=${TOKEN}`)
    expect(wrapper.text()).toContain('这台手机已登录 李秀兰')
    expect(wrapper.find('form').exists()).toBe(false)
    expect(callsTo(fetch, '/api/auth/')).toHaveLength(0)
    button('进入今日').click()
    await until(() => router.currentRoute.value.path === '/today', TODAY_MS)
    expect(await getMeta(appDb(), 'session')).toEqual(session)
  })
})

describe('我的 › 修改密码', () => {
  function field(name: string): HTMLInputElement {
    const input = document.body.querySelector<HTMLInputElement>(`.me-password input[name="${name}"]`)
    if (!input) throw new Error(`no field ${name}`)
    return input
  }
  async function fill(values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) {
      const input = field(name)
      input.value = value
      input.dispatchEvent(new Event('input'))
    }
    document.body.querySelector('.me-password form')!.dispatchEvent(new Event('submit'))
  }
  const alert = () => document.body.querySelector('.me-password [role="alert"]')?.textContent?.trim()

  async function openSheet() {
    await saveTestSession()
    const answers: Array<() => Response | Promise<Response>> = []
    const fetch = stubFetch((url) => (url === '/api/me/password' ? answers.shift()!() : jsonResponse({ accepted: [], rejected: [] })))
    const { wrapper } = await mountApp('/me')
    await until(() => wrapper.text().includes('修改密码'), TODAY_MS)
    const entry = wrapper.findAll('.van-cell').find((c) => c.text() === '修改密码')!
    await entry.trigger('click')
    await until(() => document.body.querySelector('.me-password form') !== null)
    expect([...document.body.querySelectorAll('.me-password label')].map((l) => l.textContent?.trim())).toEqual(['当前密码', '新密码', '确认新密码'])
    return { fetch, answers }
  }

  it('shows the server words for a wrong current password, then changes it and says so', async () => {
    const { fetch, answers } = await openSheet()
    answers.push(() => jsonResponse({ error: 'wrong_password', message: '当前密码不正确' }, 400), () => jsonResponse({ ok: true }))
    await fill({ 'current-password': 'jiumima01', 'new-password': 'xinmima2026', 'repeat-password': 'xinmima2026' })
    await until(() => alert() === '当前密码不正确')

    await fill({ 'current-password': 'demo1234' })
    await until(() => document.body.querySelector('.me-password [role="status"]') !== null)
    expect(document.body.querySelector('.me-password [role="status"]')!.textContent).toBe('密码已修改。以后登录请使用新密码。')

    const calls = callsTo(fetch, '/api/me/password')
    expect(calls).toHaveLength(2)
    expect(JSON.parse(String(calls[1][1]?.body))).toEqual({ currentPassword: 'demo1234', newPassword: 'xinmima2026' })
    expect(new Headers(calls[1][1]?.headers).get('authorization')).toBe(`Bearer ${session.token}`)
    // The session on this phone stays.
    expect(await getMeta(appDb(), 'session')).toEqual(session)
    button('完成').click()
  })

  it('checks the fields before asking, and says the network is needed', async () => {
    const { fetch, answers } = await openSheet()
    await fill({ 'current-password': '', 'new-password': 'xinmima2026', 'repeat-password': 'xinmima2026' })
    await until(() => alert() === '请输入当前密码')
    await fill({ 'current-password': 'demo1234', 'new-password': 'xin', 'repeat-password': 'xin' })
    await until(() => alert() === '密码至少需要 8 个字符')
    await fill({ 'new-password': 'demo1234', 'repeat-password': 'demo1234' })
    await until(() => alert() === '新密码不能与当前密码相同')
    expect(callsTo(fetch, '/api/me/password')).toHaveLength(0)

    answers.push(() => Promise.reject(new TypeError('Failed to fetch')))
    await fill({ 'new-password': 'xinmima2026', 'repeat-password': 'xinmima2026' })
    await until(() => alert() === '需要联网才能修改密码')
  })
})
