// @vitest-environment happy-dom
/**
 * Issue 18, the set-up path: 首次设置 creates the first admin and signs in; the guide shows
 * each step done or not from the server's counts, links to the pages that do it, and is an
 * admin's landing page while the street office is not set up.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { appDb, setMeta } from '@/db'
import { i18n } from '@/app/i18n'
import SetupGuideSteps from '@/features/setup/SetupGuideSteps.vue'
import { setupSteps } from '@/features/setup/setup.models'
import type { SetupProgress } from '@/features/setup/setup.api'
import { callsTo, jsonResponse, mountApp, resetDb, session, settle, stubFetch, until, unmountAll } from './helpers'

const admin = { ...session, user: { ...session.user, role: 'admin' as const, name: '王主任', gridIds: [] } }
const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const progress = (p: Partial<SetupProgress> = {}): SetupProgress => ({ communities: 0, grids: 0, workers: 0, households: 0, complete: false, ...p })
const TOKEN = 'setup-token-abcdefghijklmnopqrstuvwxyz0123'

/** Each step's heading and its state, as the guide reads. */
function stepStates() {
  return [...document.querySelectorAll('.setup-steps__item')].map((li) => [
    li.querySelector('h3')?.textContent?.trim(),
    li.querySelector('[role="status"]')?.textContent?.trim(),
  ])
}

function server(answer: SetupProgress) {
  return stubFetch(async (url, init) => {
    const path = url.split('?')[0]
    if (path === '/api/setup/progress') return jsonResponse(answer)
    if (path === '/api/supervisor/overview') return jsonResponse({ grids: [], workers: [], now: Date.now() })
    if (path === '/api/setup/state') return jsonResponse({ needsAdmin: true })
    if (path === '/api/setup/first-admin' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body))
      if (body.token !== TOKEN) return jsonResponse({ error: 'setup_token_invalid', message: '设置地址无效或已用过。请重新启动服务器，使用它新显示的设置地址。' }, 410)
      return jsonResponse({ user: { id: admin.user.id, name: body.name, role: 'admin' }, username: body.username.toLowerCase() })
    }
    if (path === '/api/auth/login') return jsonResponse(admin)
    throw new TypeError('Failed to fetch')
  })
}

function fill(id: string, value: string) {
  const input = document.getElementById(id) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

beforeEach(async () => {
  await resetDb()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('the guide’s steps', () => {
  async function mountSteps(p: SetupProgress) {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
    const wrapper = mount(SetupGuideSteps, { props: { steps: setupSteps(p) }, global: { plugins: [i18n, router] }, attachTo: document.body })
    await settle()
    return wrapper
  }

  it('an empty street office: nothing done, step 1 next; each step links to its page', async () => {
    const w = await mountSteps(progress())
    expect(stepStates()).toEqual([
      ['步骤 1 · 社区', '未完成 · 下一步'],
      ['步骤 2 · 网格', '未完成'],
      ['步骤 3 · 人员', '未完成'],
      ['步骤 4 · 住户', '未完成'],
    ])
    expect([...document.querySelectorAll('.setup-steps__link')].map((a) => [a.textContent?.trim(), a.getAttribute('href')])).toEqual([
      ['去新建社区', '/console/admin/grids'],
      ['去划分网格', '/console/admin/grids'],
      ['去添加人员', '/console/admin/people'],
      ['去导入台账', '/console/ledger'],
    ])
    w.unmount()
  })

  it('done steps say so with their counts; the first step not done is next, also after a gap', async () => {
    const w = await mountSteps(progress({ communities: 1, grids: 0, workers: 3 }))
    expect(stepStates()).toEqual([
      ['步骤 1 · 社区', '已完成'],
      ['步骤 2 · 网格', '未完成 · 下一步'],
      ['步骤 3 · 人员', '已完成'],
      ['步骤 4 · 住户', '未完成'],
    ])
    expect(w.text()).toContain('已有 1 个社区')
    expect(w.text()).toContain('已有 3 名网格员')
    w.unmount()
  })
})

describe('landing and 设置', () => {
  it('an admin of a street office not set up lands on the guide; it is also under 设置', async () => {
    await setMeta(appDb(), 'session', admin)
    server(progress({ communities: 1 }))
    const { router } = await mountApp('/console')
    await until(() => stepStates().length === 4)
    expect(router.currentRoute.value.path).toBe('/console/admin/setup')
    expect(stepStates()[0]).toEqual(['步骤 1 · 社区', '已完成'])
    expect(document.querySelector('nav[aria-label="设置向导"] a')?.getAttribute('href')).toBe('/console/admin/setup')
  })

  it('a set-up street office lands on 轨迹回放; a supervisor never asks', async () => {
    await setMeta(appDb(), 'session', admin)
    server(progress({ communities: 1, grids: 8, workers: 20, households: 3300, complete: true }))
    const done = await mountApp('/console')
    expect(done.router.currentRoute.value.path).toBe('/console/tracks')
    unmountAll()
    await setMeta(appDb(), 'session', supervisor)
    const fetch = server(progress())
    const sup = await mountApp('/console')
    expect(sup.router.currentRoute.value.path).toBe('/console/tracks')
    expect(callsTo(fetch, '/api/setup')).toEqual([])
    expect(document.querySelector('nav[aria-label="设置向导"]')).toBeNull()
  })
})

describe('首次设置', () => {
  it('checks the form first, creates the admin, signs in and opens the guide', async () => {
    const fetch = server(progress())
    const { router } = await mountApp(`/console/setup#t=${TOKEN}`)
    await until(() => !!document.getElementById('first-name'))
    // the token leaves the address bar at once
    expect(router.currentRoute.value.hash).toBe('')
    fill('first-name', '王主任')
    fill('first-username', 'Admin')
    fill('first-password', 'first-admin-1')
    fill('first-repeat', 'first-admin-2')
    document.querySelector('form')!.dispatchEvent(new Event('submit'))
    await settle()
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('两次输入的新密码不一致')
    expect(callsTo(fetch, '/api/setup/first-admin')).toEqual([])

    fill('first-repeat', 'first-admin-1')
    document.querySelector('form')!.dispatchEvent(new Event('submit'))
    await until(() => router.currentRoute.value.path === '/console/admin/setup')
    const [[, init]] = callsTo(fetch, '/api/setup/first-admin')
    expect(JSON.parse(String(init!.body))).toEqual({ token: TOKEN, name: '王主任', username: 'Admin', password: 'first-admin-1' })
    expect(JSON.parse(String(callsTo(fetch, '/api/auth/login')[0][1]!.body))).toMatchObject({ username: 'admin', password: 'first-admin-1' })
    await until(() => stepStates().length === 4)
  })

  it('a wrong or used address: the server’s words, the form goes, a link to log in', async () => {
    server(progress())
    await mountApp('/console/setup#t=wrong-token-abcdefghijklmnop')
    await until(() => !!document.getElementById('first-name'))
    fill('first-name', '王主任')
    fill('first-username', 'admin')
    fill('first-password', 'first-admin-1')
    fill('first-repeat', 'first-admin-1')
    document.querySelector('form')!.dispatchEvent(new Event('submit'))
    await until(() => !document.querySelector('form'))
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('设置地址无效或已用过。请重新启动服务器，使用它新显示的设置地址。')
    expect(document.querySelector('a[href="/login"]')?.textContent?.trim()).toBe('去登录')
  })

  it('once an admin exists the page says so instead of showing the form', async () => {
    stubFetch(async (url) => (url.startsWith('/api/setup/state') ? jsonResponse({ needsAdmin: false }) : jsonResponse({}, 404)))
    await mountApp(`/console/setup#t=${TOKEN}`)
    await until(() => document.body.textContent!.includes('已经有管理员账号'))
    expect(document.querySelector('form')).toBeNull()
  })
})
