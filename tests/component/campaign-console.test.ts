// @vitest-environment happy-dom
/**
 * 专项排查 in the console (issue 21) against a stubbed server: the menu and the list (state,
 * Chinese deadline, done %), a new draft (复制检查表, targets, the shared checks before anything is
 * sent), a draft published after asking, a running campaign's progress as percentages (workers by
 * name), 结束 after asking, and one target's answers.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import type { Campaign } from '@/domain/campaigns'
import type { Checklist } from '@/domain/entities'
import { button, callsTo, jsonResponse, mountApp, resetDb, session, settle, stubFetch, until, unmountAll } from './helpers'

const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const C1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c02'
const G2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c03'
const L1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c10'
const K1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c20'
const K2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c21'
const T1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c30'
const W1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c40'
const W2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c41'
const DAY = 86_400_000
const items = [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' as const }]

const base = (id: string, over: Partial<Campaign>): Campaign => ({
  id, hlc: '001763880000000-00000-server', deleted: false, communityId: C1, title: '独居老人冬季走访', status: 'published', items,
  selection: { kind: 'household', gridIds: [G1], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
  // 2026年12月1日 – 2026年12月31日 in Shanghai
  startAt: Date.UTC(2026, 10, 30, 16), deadlineAt: Date.UTC(2026, 11, 31, 16) - 1, createdBy: supervisor.user.id, ...over,
})
const running = base(K1, {})
const draft = base(K2, { title: '燃气安全排查', status: 'draft' })
const counts = (total: number, done: number, not_home: number, refused: number) => ({ total, done, not_home, refused, not_yet: total - done - not_home - refused, percent: Math.floor((done * 100) / total) })
const visitChecklist: Checklist = {
  id: L1, hlc: '001763880000000-00000-server', deleted: false, communityId: C1, kind: 'visit', name: '入户走访', version: 2, history: [],
  items: [{ id: 'address', label: '住址清', category: '五清', required: true, kind: 'yesno' }, { id: 'needs', label: '诉求需求清', category: '五清', required: false, kind: 'text' }],
}

function fakeServer(state: { draft: Campaign; communities?: Array<{ id: string; name: string }> } = { draft }) {
  return stubFetch(async (url, init) => {
    const post = init?.method === 'POST'
    if (url === '/api/supervisor/overview') {
      return jsonResponse({
        grids: [
          { id: C1, name: '香港路社区', level: 'community', parentId: null, code: 'XGL', boundary: null },
          { id: G1, name: '第一网格', level: 'grid', parentId: C1, code: 'XGL-01', boundary: null },
          { id: G2, name: '第二网格', level: 'grid', parentId: C1, code: 'XGL-02', boundary: null },
        ],
        workers: [{ id: W1, name: '王芳', gridIds: [G1] }, { id: W2, name: '李娜', gridIds: [G2] }],
        now: Date.now(),
      })
    }
    if (url === '/api/campaigns' && !post) {
      return jsonResponse({ campaigns: [draft, running], counts: { [K1]: { total: 4, done: 1, percent: 25 }, [K2]: { total: 0, done: 0, percent: 0 } }, communities: state.communities ?? [{ id: C1, name: '香港路社区' }] })
    }
    if (url === `/api/campaigns/${K2}/preview`) return jsonResponse({ targetCount: 12, problem: null })
    if (url === '/api/campaigns' && post) return jsonResponse({ campaign: { ...draft, ...JSON.parse(String(init!.body)), id: K2, status: 'draft' } }, 201)
    if (url === `/api/admin/communities/${C1}/buildings`) return jsonResponse({ buildings: [] })
    if (url.startsWith('/api/admin/checklists?')) return jsonResponse({ communities: [{ id: C1, name: '香港路社区' }], checklists: [{ id: L1, communityId: C1, kind: 'visit', name: '入户走访', version: 2, itemCount: 2, editable: true }] })
    if (url === `/api/admin/checklists/${L1}`) return jsonResponse({ checklist: visitChecklist, editable: true })
    if (url === `/api/campaigns/${K2}/progress`) return jsonResponse({ campaign: state.draft, overall: counts(1, 0, 0, 0), grids: [], workers: [] })
    if (url === `/api/campaigns/${K2}/publish`) {
      state.draft = { ...state.draft, status: 'published', publishedAt: Date.now() }
      return jsonResponse({ campaign: state.draft, targetCount: 12 })
    }
    if (url === `/api/campaigns/${K1}/progress`) {
      return jsonResponse({
        campaign: running,
        overall: counts(4, 1, 1, 0),
        grids: [{ gridId: G1, gridName: '第一网格', ...counts(3, 1, 1, 0) }, { gridId: G2, gridName: '第二网格', ...counts(1, 0, 0, 0) }],
        // 王芳 has more done than 李娜: the rows still come by name (李 before 王).
        workers: [{ workerId: W1, ...counts(3, 1, 1, 0) }, { workerId: W2, ...counts(1, 0, 0, 0) }],
      })
    }
    if (url.startsWith(`/api/campaigns/${K1}/targets?`)) {
      return jsonResponse({ total: 1, offset: 0, targets: [{ id: T1, hlc: running.hlc, deleted: false, campaignId: K1, gridId: G1, kind: 'household', householdId: G2, buildingId: null, label: '幸福小区5号楼1-101', state: 'done' }] })
    }
    if (url === `/api/campaigns/${K1}/targets/${T1}`) {
      return jsonResponse({
        target: { id: T1, gridId: G1, label: '幸福小区5号楼1-101' },
        state: 'done',
        answers: [{ id: T1, workerId: W1, outcome: 'met', endedAt: Date.UTC(2026, 11, 5, 6, 5), answers: { heat: false }, notes: '电暖器线路老化，已提醒', photoIds: ['a'.repeat(64)] }],
      })
    }
    if (url === `/api/blobs/${'a'.repeat(64)}`) return new Response(new Blob(['x'], { type: 'image/jpeg' }), { headers: { 'content-type': 'image/jpeg' } })
    if (url === `/api/campaigns/${K2}` && post) return jsonResponse({ campaign: { ...state.draft, ...JSON.parse(String(init!.body)) } })
    if (url === `/api/campaigns/${K1}/remind`) return jsonResponse({ campaign: { ...running, remindedAt: Date.now(), remindGridIds: [G1, G2] } })
    if (url === `/api/campaigns/${K1}/close`) return jsonResponse({ campaign: { ...running, status: 'closed', closedAt: Date.now() } })
    throw new TypeError('Failed to fetch')
  })
}

function field<T extends HTMLElement = HTMLInputElement>(text: string): T {
  const label = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim().startsWith(text))
  const control = label?.querySelector('input, select, textarea')
  if (!control) throw new Error(`no field ${text}`)
  return control as T
}
function type(el: HTMLInputElement | HTMLSelectElement, value: string) {
  el.value = value
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'))
}
function check(text: string) {
  const box = field(text)
  box.checked = true
  box.dispatchEvent(new Event('change'))
}
const cells = (table: Element) => [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()))
const tableOf = (caption: string) => [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent?.includes(caption))!

beforeEach(async () => {
  await resetDb()
  await setMeta(appDb(), 'session', supervisor)
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:photo', revokeObjectURL: () => undefined }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('专项排查 in the console', () => {
  it('the menu leads to the list: running first, state, deadline in Chinese, share done; a draft has none', async () => {
    fakeServer()
    const { wrapper } = await mountApp('/console/tracks')
    const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent?.trim() === '专项排查') as HTMLAnchorElement
    link.click()
    await until(() => wrapper.text().includes('燃气安全排查'))
    expect(cells(document.querySelector('table')!)).toEqual([
      ['独居老人冬季走访', '进行中', '2026年12月31日', '4', '25%', '查看'],
      ['燃气安全排查', '草稿', '2026年12月31日', '—', '—', '查看'],
    ])
  })

  it('an admin of several communities sees a 社区 column', async () => {
    fakeServer({ draft, communities: [{ id: C1, name: '香港路社区' }, { id: G2, name: '苏州路社区' }] })
    const { wrapper } = await mountApp('/console/campaigns')
    await until(() => wrapper.text().includes('燃气安全排查'))
    expect([...document.querySelectorAll('thead th')].map((th) => th.textContent?.trim())).toEqual(['标题', '社区', '状态', '截止日期', '对象', '完成率', ''])
    expect(cells(document.querySelector('table')!).map((r) => r.slice(0, 2))).toEqual([['独居老人冬季走访', '香港路社区'], ['燃气安全排查', '香港路社区']])
  })

  it('a new draft: nothing is sent while it is wrong; 复制检查表 copies the items; the body names the targets and days', async () => {
    const fetch = fakeServer()
    const { wrapper, router } = await mountApp('/console/campaigns/new')
    await until(() => wrapper.text().includes('第一网格'))
    button('保存草稿').click()
    await settle()
    expect(wrapper.text()).toContain('请填写专项排查的标题')
    expect(wrapper.text()).toContain('检查表至少要有一项')
    expect(callsTo(fetch, '/api/campaigns').filter(([, i]) => i?.method === 'POST')).toHaveLength(0)

    type(field('标题'), '独居老人冬季走访')
    await until(() => !!document.querySelector(`option[value="${L1}"]`))
    type(field<HTMLSelectElement>('复制检查表'), L1)
    await until(() => wrapper.text().includes('已复制“入户走访”的 2 项'))
    check('第一网格')
    await settle()
    check('独居老人')
    await settle()
    button('保存草稿').click()
    await until(() => router.currentRoute.value.path === `/console/campaigns/${K2}`)
    const [, init] = callsTo(fetch, '/api/campaigns').find(([, i]) => i?.method === 'POST')!
    const sent = JSON.parse(String(init!.body))
    expect(sent).toMatchObject({
      communityId: C1, title: '独居老人冬季走访', sourceChecklistId: L1,
      selection: { kind: 'household', gridIds: [G1], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    })
    expect(sent.items.map((i: { label: string }) => i.label)).toEqual(['住址清', '诉求需求清'])
    // From the start of today to the end of the day a week on, on the community's calendar.
    expect(sent.deadlineAt - sent.startAt).toBe(8 * DAY - 1)
  })

  it('a draft is published only after asking; then it shows its targets', async () => {
    const fetch = fakeServer({ draft })
    const { wrapper } = await mountApp(`/console/campaigns/${K2}`)
    await until(() => wrapper.text().includes('草稿尚未下发'))
    expect(wrapper.text()).toContain('2026年12月1日 至 2026年12月31日')
    // Before 发布: how many targets the selection reaches now.
    await until(() => wrapper.text().includes('按现在的排查范围，发布后将下发 12 个对象'))
    expect(callsTo(fetch, `/api/campaigns/${K2}/preview`)).toHaveLength(1)
    button('发布').click()
    await until(() => document.body.textContent!.includes('确定发布“燃气安全排查”吗'))
    button('取消').click()
    await settle()
    expect(callsTo(fetch, `/api/campaigns/${K2}/publish`)).toHaveLength(0)
    button('发布').click()
    await until(() => document.body.textContent!.includes('确定发布“燃气安全排查”吗'))
    button('确认').click()
    await until(() => wrapper.text().includes('已发布，共 12 个对象'))
    expect(callsTo(fetch, `/api/campaigns/${K2}/publish`)).toHaveLength(1)
    expect(wrapper.text()).toContain('进行中')
  })

  it('a running campaign: percentages per grid and per worker by name; a target opens to its answers and photo; 结束 after asking', async () => {
    const fetch = fakeServer()
    const { wrapper } = await mountApp(`/console/campaigns/${K1}`)
    await until(() => wrapper.text().includes('各网格进度') && wrapper.text().includes('幸福小区5号楼1-101'))
    expect(cells(tableOf('各网格进度'))).toEqual([['第一网格', '3', '33%', '33%', '0%', '33%'], ['第二网格', '1', '0%', '0%', '0%', '100%']])
    expect(cells(tableOf('各网格员进度')).map((r) => r[0])).toEqual(['李娜', '王芳'])
    expect(wrapper.text()).toContain('25%')

    ;(document.querySelector('button[aria-label="查看记录：幸福小区5号楼1-101"]') as HTMLButtonElement).click()
    await until(() => wrapper.text().includes('电暖器线路老化'))
    const panel = document.querySelector('section[aria-label="“幸福小区5号楼1-101”的走访记录"]')!
    expect(panel.textContent).toContain('已见到')
    expect(panel.textContent).toContain('王芳 · 2026年12月5日 14:05')
    expect(panel.textContent).toMatch(/取暖设施安全\s*否/)
    await until(() => !!panel.querySelector('img'))

    button('结束').click()
    await until(() => document.body.textContent!.includes('确定结束“独居老人冬季走访”吗'))
    button('确认').click()
    await until(() => wrapper.text().includes('已结束'))
    expect(callsTo(fetch, `/api/campaigns/${K1}/close`)).toHaveLength(1)
  })

  it('a draft is edited in the same form and saved to its own address, without its community', async () => {
    const fetch = fakeServer({ draft })
    const { wrapper, router } = await mountApp(`/console/campaigns/${K2}/edit`)
    await until(() => wrapper.text().includes('修改草稿“燃气安全排查”'))
    expect(field('标题').value).toBe('燃气安全排查')
    expect(field('第一网格').checked).toBe(true)
    expect(field('独居老人').checked).toBe(true)
    expect(field('检查内容').value).toBe('取暖设施安全')
    type(field('标题'), '燃气安全入户排查')
    await settle()
    button('保存草稿').click()
    await until(() => router.currentRoute.value.path === `/console/campaigns/${K2}`)
    const [, init] = callsTo(fetch, `/api/campaigns/${K2}`).find(([u, i]) => u === `/api/campaigns/${K2}` && i?.method === 'POST')!
    const sent = JSON.parse(String(init!.body))
    expect(sent.title).toBe('燃气安全入户排查')
    expect(sent).not.toHaveProperty('communityId')
    expect([sent.startAt, sent.deadlineAt]).toEqual([draft.startAt, draft.deadlineAt])
  })

  it('催办 names the grids behind and asks first', async () => {
    const fetch = fakeServer()
    const { wrapper } = await mountApp(`/console/campaigns/${K1}`)
    await until(() => wrapper.text().includes('各网格进度'))
    button('催办').click()
    await until(() => document.body.textContent!.includes('向未完成的网格（第一网格、第二网格）催办？'))
    button('确认').click()
    await until(() => wrapper.text().includes('已催办 2 个网格'))
    expect(callsTo(fetch, `/api/campaigns/${K1}/remind`)).toHaveLength(1)
  })
})
