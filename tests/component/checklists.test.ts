// @vitest-environment happy-dom
/**
 * 检查表 in the console (issue 18): the list of a community's checklists, and the editor — edit,
 * reorder, add, the shared validation before anything is sent, the confirmation, and what is
 * published — against a stubbed server.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import type { Checklist } from '@/domain/entities'
import { button, callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll } from './helpers'

const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const C1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
const L1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c10'
const SHARED = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c11'
const checklist: Checklist = {
  id: L1, hlc: '001763880000000-00000-server', deleted: false, communityId: C1, kind: 'visit', name: '入户走访', version: 1, history: [],
  items: [
    { id: 'address', label: '住址清', category: '五清', required: true, kind: 'yesno' },
    { id: 'needs', label: '诉求需求清', category: '五清', required: false, kind: 'text' },
  ],
}

function fakeServer() {
  return stubFetch(async (url, init) => {
    if (url === '/api/supervisor/overview') return jsonResponse({ grids: [], workers: [], now: Date.now() })
    if (url === '/api/admin/checklists') {
      if (init?.method === 'POST') {
        const body = JSON.parse(String(init.body)) as Checklist
        return jsonResponse({ checklist: { ...checklist, ...body, id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c12', version: 1 } }, 201)
      }
      return jsonResponse({
        communities: [{ id: C1, name: '香港路社区' }],
        checklists: [
          { id: L1, communityId: C1, kind: 'visit', name: '入户走访', version: 3, itemCount: 7, editable: true },
          { id: SHARED, communityId: null, kind: 'patrol', name: '日日巡检查表', version: 1, itemCount: 9, editable: false },
        ],
      })
    }
    if (url === `/api/admin/checklists/${L1}`) return jsonResponse({ checklist, editable: true })
    if (url === `/api/admin/checklists/${L1}/publish`) {
      const body = JSON.parse(String(init!.body)) as Pick<Checklist, 'name' | 'items'>
      return jsonResponse({ checklist: { ...checklist, ...body, version: 2, history: [{ version: 1, name: checklist.name, items: checklist.items }] } })
    }
    throw new TypeError('Failed to fetch')
  })
}

/** The control inside the label whose text starts with `text` (the n-th such label). */
function field<T extends HTMLElement = HTMLInputElement>(text: string, n = 0): T {
  const labels = [...document.querySelectorAll('label')].filter((l) => l.textContent?.trim().startsWith(text))
  const control = labels[n]?.querySelector('input, select, textarea')
  if (!control) throw new Error(`no field ${text} #${n}`)
  return control as T
}
function type(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  el.value = value
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'))
}
const buttons = (text: string) => [...document.querySelectorAll('button')].filter((b) => b.textContent?.trim() === text)

beforeEach(async () => {
  await resetDb()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('检查表 in the console', () => {
  it('a worker is sent back to the phone app', async () => {
    await saveTestSession()
    fakeServer()
    const { router } = await mountApp('/console/admin/checklists')
    expect(router.currentRoute.value.path).toBe('/today')
  })

  it('lists the community checklists with version and item count, beside the shared set; the menu leads there', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer()
    const { wrapper } = await mountApp('/console/admin/checklists')
    await until(() => wrapper.text().includes('入户走访'))
    const rows = [...document.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()))
    expect(rows).toEqual([
      ['日日巡检查表', '巡查', '通用（所有社区）', '第 1 版', '9 项', '查看'],
      ['入户走访', '入户走访', '香港路社区', '第 3 版', '7 项', '编辑'],
    ])
    expect([...document.querySelectorAll('nav a')].find((a) => a.textContent?.trim() === '检查表')?.classList.contains('is-active')).toBe(true)
  })

  it('edits, reorders and adds items, checks them before sending, asks, then publishes version 2', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper } = await mountApp(`/console/admin/checklists/${L1}`)
    await until(() => wrapper.text().includes('当前第 1 版'))
    type(field('检查内容', 0), '住址与台账一致')
    buttons('上移')[1].click()
    button('添加检查项').click()
    await settle()
    type(field('检查内容', 2), '住房类型')
    await settle()
    type(field<HTMLSelectElement>('回答方式', 2), 'choice')
    await settle()
    type(field<HTMLTextAreaElement>('选项（每行一个）'), '自有')
    await settle()

    button('发布新版本').click()
    await settle()
    expect(wrapper.text()).toContain('单选题至少要有两个选项')
    expect(callsTo(fetch, `/api/admin/checklists/${L1}/publish`)).toHaveLength(0)

    type(field<HTMLTextAreaElement>('选项（每行一个）'), '自有\n租住\n')
    await settle()
    expect(wrapper.text()).not.toContain('单选题至少要有两个选项')
    button('发布新版本').click()
    await until(() => document.body.textContent!.includes('发布后网格员同步即用新版本'))
    button('确认').click()
    await until(() => wrapper.text().includes('已发布第 2 版'))

    const [, init] = callsTo(fetch, `/api/admin/checklists/${L1}/publish`)[0]
    const sent = JSON.parse(String(init!.body)) as { name: string; items: Checklist['items']; baseVersion: number }
    expect(sent.baseVersion).toBe(1)
    expect(sent.items.map((i) => [i.label, i.kind, i.options])).toEqual([
      ['诉求需求清', 'text', undefined],
      ['住址与台账一致', 'yesno', undefined],
      ['住房类型', 'choice', ['自有', '租住']],
    ])
    expect(sent.items[1].id).toBe('address')
    expect(wrapper.text()).toContain('当前第 2 版')
  })

  it('a new checklist is created for the chosen community and kind', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper, router } = await mountApp('/console/admin/checklists')
    await until(() => wrapper.text().includes('入户走访'))
    button('新建巡查检查表').click()
    await until(() => wrapper.text().includes('检查内容'))
    expect(router.currentRoute.value.query).toEqual({ kind: 'patrol', communityId: C1 })
    type(field('检查表名称'), '夜间巡查')
    await settle()
    type(field('检查内容', 0), '楼道照明')
    await settle()
    button('创建检查表').click()
    await until(() => wrapper.text().includes('已创建第 1 版'))
    const [, init] = callsTo(fetch, '/api/admin/checklists').find(([, i]) => i?.method === 'POST')!
    expect(JSON.parse(String(init!.body))).toMatchObject({ communityId: C1, kind: 'patrol', name: '夜间巡查', items: [{ label: '楼道照明', kind: 'status', required: true }] })
  })
})
