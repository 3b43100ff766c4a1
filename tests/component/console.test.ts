// @vitest-environment happy-dom
/**
 * The supervisor console in the page: who gets it, the 日日巡 calendar's gaps, and the ledger
 * import's check listing the sheet's rows — against a stubbed server.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, getMeta, setMeta } from '@/db'
import { callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll, button } from './helpers'

const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
const W1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c02'
const overview = {
  grids: [{ id: G1, name: '第一网格', level: 'grid', parentId: null, code: 'G1', boundary: null }],
  workers: [{ id: W1, name: '王芳', gridIds: [G1] }],
  now: Date.now(),
}

function fakeServer() {
  return stubFetch(async (url, init) => {
    if (url === '/api/supervisor/overview') return jsonResponse(overview)
    if (url.startsWith('/api/supervisor/daily')) {
      return jsonResponse({
        days: ['2026-11-19', '2026-11-20', '2026-11-21'],
        today: '2026-11-21',
        grids: [{ gridId: G1, gridName: '第一网格', gaps: 2, counted: 3, cells: [
          { day: '2026-11-19', patrols: 0, workerIds: [], coverage: null },
          { day: '2026-11-20', patrols: 1, workerIds: [W1], coverage: 0.75 },
          { day: '2026-11-21', patrols: 0, workerIds: [], coverage: null },
        ] }],
        workers: [{ id: W1, name: '王芳' }],
      })
    }
    if (url.startsWith('/api/import/households') && init?.method === 'POST') {
      return jsonResponse({
        imported: 2, skipped: 2, buildingsCreated: 1, dryRun: url.includes('dryRun=1'), ignoredColumns: ['序号'],
        columns: [{ header: '户主姓名', field: 'headName' }], errors: [{ row: 7, column: '联系电话', message: '联系电话“12345”不是有效的号码' }],
      })
    }
    if (url.startsWith('/api/supervisor/coverage')) {
      const counts = { households: 12, due: 10, visited: 4, overdue: 3 }
      return jsonResponse({
        from: 0, to: 1, totals: { ...counts, visits: 6 }, grids: [{ gridId: G1, gridName: '第一网格', ...counts }],
        workers: [{ workerId: W1, workerName: '王芳', ...counts, visits: 6, householdsVisited: 5 }], buildings: [], overdue: [],
      })
    }
    if (url.startsWith('/api/reports/weekly')) throw new TypeError('Failed to fetch')
    if (url.startsWith('/api/audit')) return jsonResponse({ entries: [] })
    if (url === '/api/auth/logout') return jsonResponse({ ok: true })
    throw new TypeError('Failed to fetch')
  })
}

beforeEach(async () => {
  await resetDb()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('supervisor console', () => {
  it('a worker is sent back to the phone app', async () => {
    await saveTestSession()
    fakeServer()
    const { router } = await mountApp('/console/daily')
    expect(router.currentRoute.value.path).toBe('/today')
  })

  it('周报 chooses its week with the date control, in Chinese, and asks for the week picked', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    vi.stubGlobal('innerWidth', 1366)
    await mountApp('/console/weekly')
    const field = document.querySelector<HTMLButtonElement>('button[aria-label="周"]')!
    expect(field.textContent).toMatch(/^\d{4}年第\d{1,2}周 \d{1,2}月\d{1,2}日–/)
    expect(document.querySelector('.weekly select')).toBeNull()
    field.click()
    await settle()
    const pick = async (column: number, text: string) => {
      const col = document.querySelectorAll('.van-picker-column')[column]
      ;[...col.querySelectorAll<HTMLElement>('.van-picker-column__item')].find((o) => o.textContent?.trim() === text)!.click()
      await settle()
    }
    await pick(0, '2026年')
    await pick(1, '第44周 10月26日–11月1日')
    document.querySelector<HTMLElement>('.van-picker__confirm')!.click()
    await until(() => callsTo(fetch, '/api/reports/weekly?week=2026-W44').length > 0)
    expect(field.textContent).toBe('2026年第44周 10月26日–11月1日')
  })

  it('a supervisor opening the app at 1,366 px lands in the console; at 1,024 px in the phone app', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer()
    vi.stubGlobal('innerWidth', 1366)
    const wide = await mountApp('/today')
    expect(wide.router.currentRoute.value.path).toBe('/console/tracks')
    unmountAll()
    vi.stubGlobal('innerWidth', 1024)
    const narrow = await mountApp('/today')
    expect(narrow.router.currentRoute.value.path).toBe('/today')
  })

  it('日日巡 marks the days without a patrol', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer()
    const { wrapper } = await mountApp('/console/daily')
    // The count says what it counts; days read as dates, today as 今天, never as ids.
    await until(() => wrapper.text().includes('近3天中 2 天未巡'))
    expect(wrapper.text()).toContain('2026年11月19日–21日，共 3 天（含今天）')
    expect([...document.querySelectorAll('thead th')].map((th) => th.textContent?.trim())).toEqual(['网格', '11月19日', '11月20日', '今天'])
    const cells = [...document.querySelectorAll('tbody td')].map((td) => td.textContent?.trim())
    expect(cells).toEqual(['✗', '✓', '✗'])
    expect(document.querySelector('tbody td:nth-child(3)')?.getAttribute('title')).toContain('王芳')
  })

  it('台账: the check uploads the workbook with dryRun=1 and lists the problem rows', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper } = await mountApp('/console/ledger')
    await until(() => document.querySelectorAll('option').length > 1)
    const select = document.querySelector<HTMLSelectElement>('select[aria-label="导入到网格"]')!
    select.value = G1
    select.dispatchEvent(new Event('change'))
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'ledger.xlsx')] })
    input.dispatchEvent(new Event('change'))
    await until(() => !button('预检（不保存）').disabled)
    button('预检（不保存）').click()
    await until(() => wrapper.text().includes('可导入 2 户'))
    const [url, init] = callsTo(fetch, '/api/import/households')[0]
    expect(url).toBe(`/api/import/households?gridId=${G1}&dryRun=1`)
    expect(init?.body).toBeInstanceOf(FormData)
    expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${session.token}`)
    expect(wrapper.text()).toContain('联系电话“12345”不是有效的号码')
    expect(wrapper.text()).toContain('未使用的列：序号')
  })

  it('without an answer from the server the console says it needs a connection, not "Failed to fetch"', async () => {
    await setMeta(appDb(), 'session', supervisor)
    stubFetch(async () => {
      throw new TypeError('Failed to fetch')
    })
    const { wrapper } = await mountApp('/console/daily')
    await until(() => wrapper.text().includes('无法连接服务器，控制台需要联网。'))
    expect(wrapper.text()).not.toContain('Failed to fetch')
  })

  it('a refusal shows the server’s own message', async () => {
    await setMeta(appDb(), 'session', supervisor)
    stubFetch(async (url) => {
      if (url === '/api/supervisor/overview') return jsonResponse(overview)
      if (url.startsWith('/api/supervisor/daily')) return jsonResponse({ error: 'forbidden', message: '只有网格长可以查看' }, 403)
      throw new TypeError('Failed to fetch')
    })
    const { wrapper } = await mountApp('/console/daily')
    await until(() => wrapper.text().includes('只有网格长可以查看'))
  })

  it('走访覆盖: the headings say what the columns count, and 未访 is 应访 less 已访', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer()
    const { wrapper } = await mountApp('/console/coverage')
    await until(() => wrapper.text().includes('按网格员'))
    const table = (caption: string) => [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent === caption)!
    const rows = (t: HTMLTableElement) => [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent?.trim()))
    expect(rows(table('按网格'))).toEqual([
      ['网格', '应访户数', '已访户数', '未访户数', '走访率', '逾期户数'],
      ['第一网格', '10', '4', '6', '40%', '3'],
    ])
    expect(rows(table('按网格员'))).toEqual([
      ['网格员', '所辖网格应访户数', '所辖网格已访户数', '本人走访户数', '本人走访次数'],
      ['王芳', '10', '4', '5', '6'],
    ])
  })

  it('the header names who is signed in, and 退出登录 asks, then logs out to the login page', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper, router } = await mountApp('/console/daily')
    await until(() => wrapper.text().includes('张书记'))
    button('退出登录').click()
    await until(() => document.body.textContent!.includes('确定退出登录吗？'))
    button('退出').click()
    await until(() => router.currentRoute.value.path === '/login')
    expect(callsTo(fetch, '/api/auth/logout')).toHaveLength(1)
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })

  it('台账: 导入 asks first, naming the file, the grid and the check; cancel sends nothing', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper } = await mountApp('/console/ledger')
    await until(() => document.querySelectorAll('option').length > 1)
    expect(button('导入').disabled).toBe(true)
    const select = document.querySelector<HTMLSelectElement>('select[aria-label="导入到网格"]')!
    select.value = G1
    select.dispatchEvent(new Event('change'))
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'ledger.xlsx')] })
    input.dispatchEvent(new Event('change'))
    await until(() => !button('预检（不保存）').disabled)
    button('预检（不保存）').click()
    await until(() => wrapper.text().includes('可导入 2 户'))
    button('导入').click()
    await until(() => document.body.textContent!.includes('确定把“ledger.xlsx”导入到第一网格吗？预检：可导入 2 户，有问题的 1 行不会导入。'))
    button('取消').click()
    await settle()
    expect(callsTo(fetch, '/api/import/households').map(([url]) => url)).toEqual([`/api/import/households?gridId=${G1}&dryRun=1`])
  })
})
