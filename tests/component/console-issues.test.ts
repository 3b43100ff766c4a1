// @vitest-environment happy-dom
/**
 * 事件督办 in the page, against a stubbed server: the board asks for 待处理 by default and each row
 * opens the issue; the detail page reads in words (description, place, photos, map, the whole
 * timeline, the 办结 note) with no id or coordinates; its buttons are those the issue rules allow;
 * 派单 lists the grid's workers first; 催办 is written to the browser's database; 销号 asks first;
 * a step the server refuses is told in words.
 */
import 'fake-indexeddb/auto'
import { defineComponent, h } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import type { ConsoleIssueDetail } from '@/domain/consoleIssue'
import type { IssueEvent } from '@/domain/entities'
import { button, callsTo, jsonResponse, mountApp, resetDb, session, settle, stubFetch, until, unmountAll } from './helpers'

// Leaflet does not draw in happy-dom; the page's part is what it hands the shared map.
vi.mock('@/features/map/GridMap.vue', () => ({
  __esModule: true,
  default: defineComponent({
    props: { position: { type: Object, default: null }, boundaries: { type: Array, default: () => [] } },
    setup: (p) => () => h('div', { class: 'map-stub', 'data-lat': p.position?.lat, 'data-boundaries': p.boundaries.length }),
  }),
}))

const SUP = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c00'
const supervisor = { ...session, user: { ...session.user, id: SUP, role: 'supervisor' as const, name: '张书记', gridIds: [] } }
const C = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c10'
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c11'
const M1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c12'
const G2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c13'
const W1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c21'
const W2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c22'
const ISSUE = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c31'
const PHOTO = 'a'.repeat(64)
const DONE_PHOTO = 'b'.repeat(64)
const T0 = Date.UTC(2026, 10, 20, 1)
const ring: [number, number][] = [[120.5, 36.86], [120.51, 36.86], [120.51, 36.87], [120.5, 36.86]]

const overview = {
  grids: [
    { id: C, name: '香港路社区', level: 'community', parentId: null, code: 'C', boundary: null },
    { id: G1, name: '第一网格', level: 'grid', parentId: C, code: 'G1', boundary: null },
    { id: M1, name: '第一网格第一微网格', level: 'micro', parentId: G1, code: 'G1-1', boundary: { type: 'Polygon', coordinates: [ring] } },
    { id: G2, name: '第二网格', level: 'grid', parentId: C, code: 'G2', boundary: null },
  ],
  workers: [{ id: W2, name: '李强', gridIds: [G2] }, { id: W1, name: '王芳', gridIds: [G1] }],
  now: T0,
}

let seq = 0
const event = (type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}): IssueEvent => {
  seq++
  return { id: `0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8d${String(seq).padStart(2, '0')}`, hlc: `00${T0 + seq}-00000-server`, deleted: false, issueId: ISSUE, type, actorId, at: T0 + seq * 3_600_000, data, acceptedSeq: seq }
}

function detailWith(types: 'assigned' | 'resolved' | 'rated'): ConsoleIssueDetail {
  seq = 0
  const events = [event('reported', W1), event('assigned', SUP, { assigneeId: W1 })]
  if (types !== 'assigned') events.push(event('accepted', W1), event('resolved', W1, { note: '已清理楼道杂物', photoIds: [DONE_PHOTO] }))
  if (types === 'rated') events.push(event('rated', SUP, { rating: 4 }))
  const status = types === 'assigned' ? 'assigned' : types
  return {
    issue: {
      id: ISSUE, hlc: `00${T0}-00000-server`, deleted: false, gridId: M1, householdId: null, type: 'issue', source: 'patrol', sourceId: null,
      category: 'fire_safety', title: '楼道堆放杂物', description: '5号楼2单元楼道堆满纸箱，影响通行', location: { lng: 120.505, lat: 36.865, accuracy: 8 },
      photoIds: [PHOTO], level: 'micro', reportedAt: T0, reportedBy: W1,
    },
    summary: {
      id: ISSUE, title: '楼道堆放杂物', type: 'issue', category: 'fire_safety', gridId: M1, gridName: '第一网格第一微网格', level: 'micro', status,
      assigneeId: W1, reportedAt: T0, deadline: T0 + 86_400_000, resolvedAt: types === 'assigned' ? null : T0 + 4 * 3_600_000, overdue: false, onTime: null, rating: null,
    },
    events,
    names: { [W1]: '王芳', [SUP]: '张书记' },
    place: '翠湖花园 5号楼',
  }
}

interface Pushed { mutations: { id: string; entity: string; fields: { type: string; data: IssueEvent['data'] } }[] }

function fakeServer(detail: ConsoleIssueDetail, opts: { refuse?: boolean } = {}) {
  const pushed: Pushed['mutations'] = []
  const fetch = stubFetch(async (url, init) => {
    if (url === '/api/supervisor/overview') return jsonResponse(overview)
    if (url === `/api/supervisor/issues/${ISSUE}`) return jsonResponse(detail)
    if (url.startsWith('/api/supervisor/issues?')) {
      return jsonResponse({ issues: [detail.summary], byStatus: {}, levels: [], averageRating: null, ratings: 0 })
    }
    if (url.startsWith('/api/supervisor/tracks?')) return jsonResponse({ day: '', patrols: [] })
    if (url.startsWith('/api/blobs/')) return new Response(new Blob(['jpeg'], { type: 'image/jpeg' }), { status: 200 })
    if (url === '/api/config') return jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' })
    if (url === '/api/sync/push' && opts.refuse) {
      const body = JSON.parse(String(init?.body)) as Pushed
      pushed.push(...body.mutations)
      return jsonResponse({
        results: body.mutations.map((m) => ({ mutationId: m.id, status: 'rejected', code: 'event_not_allowed', params: { action: '催办' }, reason: 'not allowed' })),
      })
    }
    throw new TypeError('Failed to fetch')
  })
  return { fetch, pushed }
}

const text = () => document.body.textContent ?? ''
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const eventsStored = (type: IssueEvent['type']) => appDb().issueEvents.filter((e) => e.type === type).toArray()

beforeEach(async () => {
  await resetDb()
  await setMeta(appDb(), 'session', supervisor)
  await setMeta(appDb(), 'deviceId', 'desk-test')
  vi.stubGlobal('innerWidth', 1366)
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('事件督办', () => {
  it('the board asks for 待处理 (waiting for 评价 / 销号 included) and a row opens the issue', async () => {
    const { fetch } = fakeServer(detailWith('resolved'))
    const { router } = await mountApp('/console/issues')
    await until(() => text().includes('楼道堆放杂物'), 10_000)
    expect(callsTo(fetch, '/api/supervisor/issues?')[0][0]).toBe('/api/supervisor/issues?status=active')
    expect((document.querySelector('.console-toolbar select') as HTMLSelectElement).selectedOptions[0].textContent).toContain('待处理')
    expect(text()).toContain('已办结')
    // The row's link leads to the issue's page (followed through the router: happy-dom would load the href).
    const link = [...document.querySelectorAll('a')].find((a) => a.textContent?.trim() === '楼道堆放杂物')!
    expect(link.getAttribute('href')).toBe(`/console/issues/${ISSUE}`)
    await router.push(link.getAttribute('href')!)
    await until(() => text().includes('处理经过'))
    expect(router.currentRoute.value.name).toBe('console-issue')
  })

  it('reads in words: description, place, photos, map, the whole timeline and the 办结 note; only 评价 is offered', async () => {
    const { fetch } = fakeServer(detailWith('resolved'))
    await mountApp(`/console/issues/${ISSUE}`)
    await until(() => text().includes('处理经过'))
    expect(text()).toContain('5号楼2单元楼道堆满纸箱，影响通行')
    expect(text()).toContain('翠湖花园 5号楼')
    expect(text()).toContain('巡查发现')
    const timeline = document.querySelector('.issue-timeline')!.textContent!
    for (const words of ['上报', '派单', '派给 王芳', '接单', '办结', '已清理楼道杂物', '王芳', '张书记']) expect(timeline).toContain(words)
    expect(document.querySelector('.issue-resolution')!.textContent).toMatch(/王芳 于 .+ 办结/)
    expect(document.querySelector('.issue-resolution')!.textContent).toContain('已清理楼道杂物')
    await until(() => document.querySelectorAll('.issue-photos img').length === 3)
    expect([...new Set(callsTo(fetch, '/api/blobs/').map(([u]) => u))].sort()).toEqual([`/api/blobs/${PHOTO}`, `/api/blobs/${DONE_PHOTO}`])
    const map = document.querySelector('.map-stub')!
    expect(map.getAttribute('data-lat')).toBe('36.865')
    expect(map.getAttribute('data-boundaries')).toBe('1')
    const buttons = [...document.querySelectorAll('.issue-actions button')].map((b) => b.textContent?.trim())
    expect(buttons).toEqual(['评价', '重新打开'])
    // Nothing a person should not read: no id, no coordinates.
    expect(text()).not.toMatch(UUID)
    expect(text()).not.toMatch(/36\.86|120\.50/)
  })

  it('来自 reads the patrol in words and opens 轨迹回放 of its worker on its day', async () => {
    const patrolId = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
    const base = detailWith('assigned')
    // 2026-12-05 23:30 in Shanghai: the link's day is the community's, not UTC's (Dec 5 15:30).
    const at = Date.UTC(2026, 11, 5, 15, 30)
    const { fetch } = fakeServer({ ...base, issue: { ...base.issue, sourceId: patrolId }, source: { kind: 'patrol', id: patrolId, at, householdId: null, address: null, workerId: W1 } })
    const { router } = await mountApp(`/console/issues/${ISSUE}`)
    await until(() => text().includes('巡查 · 12月5日 23:30'))
    const link = [...document.querySelectorAll<HTMLAnchorElement>('.issue-facts a')].find((a) => a.textContent?.includes('巡查 ·'))!
    expect(link.getAttribute('href')).toBe(`/console/tracks?worker=${W1}&day=2026-12-05`)
    await router.push(link.getAttribute('href')!)
    await until(() => router.currentRoute.value.name === 'console-tracks')
    expect(router.currentRoute.value.query).toEqual({ worker: W1, day: '2026-12-05' })
    // 轨迹回放 asks for that worker's day at once, without a choice in its selects.
    await until(() => callsTo(fetch, '/api/supervisor/tracks?').length > 0)
    expect(callsTo(fetch, '/api/supervisor/tracks?')[0][0]).toBe(`/api/supervisor/tracks?day=2026-12-05&workerId=${W1}`)
    expect(text()).not.toMatch(UUID)
  })

  it('派单 offers the grid’s workers first; 催办 is written as a reminded event with its note', async () => {
    fakeServer(detailWith('assigned'))
    await mountApp(`/console/issues/${ISSUE}`)
    await until(() => text().includes('督办操作'))
    const groups = [...document.querySelectorAll('.issue-actions optgroup')].map((g) => [g.getAttribute('label'), [...g.querySelectorAll('option')].map((o) => o.textContent)])
    expect(groups).toEqual([['本网格', ['王芳']], ['其他网格', ['李强']]])
    expect([...document.querySelectorAll('.issue-actions button')].map((b) => b.textContent?.trim())).toEqual(['派单', '催办'])
    const note = document.querySelector<HTMLInputElement>('.issue-actions input')!
    note.value = '居民又来电话了'
    note.dispatchEvent(new Event('input'))
    button('催办').click()
    await until(async () => (await eventsStored('reminded')).length === 1)
    const [reminded] = await eventsStored('reminded')
    expect(reminded).toMatchObject({ issueId: ISSUE, actorId: SUP, data: { note: '居民又来电话了' } })
    // No answer from the server: kept in the outbox and said so.
    await until(() => text().includes('已保存在本机，联网后提交'))
  })

  it('销号 asks for confirmation first: 取消 records nothing, 销号 in the dialog records it', async () => {
    fakeServer(detailWith('rated'))
    await mountApp(`/console/issues/${ISSUE}`)
    await until(() => text().includes('督办操作'))
    expect([...document.querySelectorAll('.issue-actions button')].map((b) => b.textContent?.trim())).toEqual(['销号', '重新打开'])
    button('销号').click()
    await until(() => text().includes('确定将“楼道堆放杂物”销号吗'))
    button('取消').click()
    await settle()
    expect(await eventsStored('closed')).toHaveLength(0)
    button('销号').click()
    await until(() => !!document.querySelector('.van-dialog__confirm'))
    await until(() => getComputedStyle(document.querySelector('.van-dialog')!).display !== 'none')
    document.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(async () => (await eventsStored('closed')).length === 1)
  })

  it('a step the server refuses is told in words', async () => {
    const { pushed } = fakeServer(detailWith('assigned'), { refuse: true })
    await mountApp(`/console/issues/${ISSUE}`)
    await until(() => text().includes('督办操作'))
    button('催办').click()
    await until(() => text().includes('未完成：'))
    expect(pushed.map((m) => m.fields.type)).toEqual(['reminded'])
    expect(document.querySelector('.issue-actions [role="alert"]')!.textContent).toContain('催办')
  })
})
