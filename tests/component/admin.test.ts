// @vitest-environment happy-dom
/**
 * The console's administration (设置) against a stubbed server that keeps its own state: the
 * pages send what the contract (admin-api.md) asks, show names instead of ids, and show the
 * server's answers and refusals in words.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import { button, callsTo, jsonResponse, mountApp, resetDb, session, settle, stubFetch, until, unmountAll } from './helpers'

// Leaflet needs a real canvas; the map's own tests are in the browser. Here: what it is given.
vi.mock('@/features/map/GridMap.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return { __esModule: true, default: defineComponent({
    props: { boundaries: { type: Array, default: () => [] }, buildings: { type: Array, default: () => [] }, legend: Boolean },
    setup: (props) => () =>
      h('div', { role: 'region', 'aria-label': '网格地图', 'data-boundaries': (props.boundaries as { name: string }[]).map((b) => b.name).join(',') }),
  }) }
})

// The drawing map (geoman, Leaflet): a stand-in that "draws" when its button is pressed.
const DRAWN = { type: 'Polygon', coordinates: [[[120.5, 36.8], [120.51, 36.8], [120.51, 36.81], [120.5, 36.8]]] }
vi.mock('@/features/map/MapDrawing.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return { __esModule: true, default: defineComponent({
    props: { mode: String, ring: { type: Array, default: null } },
    emits: ['polygon', 'point'],
    setup: (props, { emit }) => () =>
      h('button', { type: 'button', 'data-ring': props.ring ? 'yes' : 'no', onClick: () => (props.mode === 'point' ? emit('point', [120.505, 36.805]) : emit('polygon', DRAWN)) }, '模拟绘制'),
  }) }
})

const admin = { ...session, user: { ...session.user, role: 'admin' as const, name: '系统管理员', gridIds: [] } }
const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const C1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c10'
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c11'
const G2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c12'
const M1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c13'
const W1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c21'
const W2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c22'
const B1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c31'
const L1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c41'

interface Call {
  method: string
  url: string
  body: unknown
}

function world() {
  const grid = (id: string, name: string, code: string, over: object = {}) => ({
    id, communityId: C1, parentId: null, level: 'grid', name, code, boundary: null, workerIds: [], households: 0, buildings: 0, ...over,
  })
  return {
    communities: [{ id: C1, name: '香港路社区', code: 'HKR', grids: 2, households: 40 }],
    grids: [
      grid(G1, '第一网格', 'G1', { workerIds: [W1], households: 30, buildings: 3 }),
      grid(M1, '一号微网格', 'G1-1', { parentId: G1, level: 'micro', households: 12, buildings: 1, workerIds: [W1] }),
      grid(G2, '第二网格', 'G2', { households: 10, buildings: 1, boundary: { type: 'Polygon', coordinates: [[[120.5, 36.8], [120.6, 36.8], [120.6, 36.9], [120.5, 36.8]]] } }),
    ],
    people: [
      { id: W1, username: 'wangfang', name: '王芳', phone: '13800000001', role: 'worker', gridIds: [G1, M1], gridNames: ['第一网格', '一号微网格'], disabled: false, devices: 2 },
      { id: W2, username: 'liqiang', name: '李强', phone: '13800000002', role: 'worker', gridIds: [G2], gridNames: ['第二网格'], disabled: false, devices: 0 },
    ],
    buildings: [{ id: B1, gridId: M1, gridName: '一号微网格', compound: '海景花园', name: '3号楼', location: [120.51, 36.87], units: 2, floors: 6, households: 12 }],
    links: [] as { id: string; createdAt: number; expiresAt: number; usedAt: number | null; revokedAt: number | null; createdBy: string }[],
    calls: [] as Call[],
    settings: { timeZone: 'Asia/Shanghai', lockMinutes: 5 },
    /** The next answer of a path (method + path without query), instead of the default one. */
    answers: new Map<string, () => Response>(),
  }
}
type World = ReturnType<typeof world>

function fakeServer(w: World) {
  return stubFetch(async (url, init) => {
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body
    w.calls.push({ method, url, body })
    const path = url.split('?')[0]
    const special = w.answers.get(`${method} ${path}`)
    if (special) {
      w.answers.delete(`${method} ${path}`)
      return special()
    }
    if (path === '/api/supervisor/overview') return jsonResponse({ grids: [], workers: [], now: Date.now() })
    if (path === '/api/admin/communities' && method === 'GET') return jsonResponse({ communities: w.communities })
    if (path === '/api/admin/communities' && method === 'POST') {
      const community = { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c99', ...body, grids: 0, households: 0 }
      w.communities.push(community)
      return jsonResponse({ community })
    }
    const list = path.match(/^\/api\/admin\/communities\/([^/]+)\/(grids|people|buildings)$/)
    if (list) return jsonResponse({ [list[2]]: list[1] === C1 ? w[list[2] as 'grids'] : [] })
    if (path === '/api/admin/grids' && method === 'POST') {
      const grid = { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c98', level: body.parentId ? 'micro' : 'grid', boundary: null, workerIds: [], households: 0, buildings: 0, ...body }
      w.grids.push(grid)
      return jsonResponse({ grid })
    }
    const patch = path.match(/^\/api\/admin\/grids\/([^/]+)$/)
    if (patch && method === 'PATCH') {
      const grid = w.grids.find((g) => g.id === patch[1])!
      Object.assign(grid, body)
      return jsonResponse({ grid })
    }
    if (path === `/api/admin/grids/${G1}/handover`) {
      return jsonResponse({ grid: { id: G1, name: '第一网格' }, from: [{ id: W1, name: '王芳' }], to: { id: W2, name: '李强' }, households: 30, buildings: 4, openIssues: 2 })
    }
    if (path === `/api/admin/people/${W2}/sign-in-links` && method === 'POST') {
      const link = { id: L1, token: 'secret-token', url: 'http://127.0.0.1:8080/link#t=secret-token', expiresAt: Date.UTC(2026, 11, 8, 2, 30) }
      w.links.push({ id: L1, createdAt: Date.UTC(2026, 11, 7, 2, 30), expiresAt: link.expiresAt, usedAt: null, revokedAt: null, createdBy: '系统管理员' })
      return jsonResponse({ link })
    }
    if (path === `/api/admin/people/${W2}/sign-in-links`) return jsonResponse({ links: w.links })
    if (path === `/api/admin/sign-in-links/${L1}/revoke`) {
      w.links[0].revokedAt = Date.now()
      return jsonResponse({ ok: true })
    }
    if (path === '/api/admin/people' && method === 'POST') {
      const person = { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c97', disabled: false, devices: 0, gridNames: [], ...body }
      w.people.push(person)
      return jsonResponse({ person })
    }
    const person = path.match(/^\/api\/admin\/people\/([^/]+)(\/password)?$/)
    if (person && method === 'PATCH') {
      Object.assign(w.people.find((p) => p.id === person[1])!, body)
      return jsonResponse({ person: w.people.find((p) => p.id === person[1]) })
    }
    if (person?.[2]) return jsonResponse({ ok: true })
    if (path === '/api/admin/buildings' && method === 'POST') {
      const building = { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c96', gridId: G2, gridName: '第二网格', units: null, floors: null, households: 0, ...body }
      w.buildings.push(building)
      return jsonResponse({ building })
    }
    const building = path.match(/^\/api\/admin\/buildings\/([^/]+)$/)
    if (building && method === 'PATCH') {
      const b = w.buildings.find((x) => x.id === building[1])!
      Object.assign(b, body, { gridName: w.grids.find((g) => g.id === body.gridId)?.name })
      return jsonResponse({ building: b, movedHouseholds: b.households })
    }
    if (path === '/api/admin/buildings/move' && method === 'POST') {
      const moving = w.buildings.filter((b) => body.buildingIds.includes(b.id))
      for (const b of moving) Object.assign(b, { gridId: body.gridId, gridName: w.grids.find((g) => g.id === body.gridId)?.name })
      return jsonResponse({ moved: moving.length, movedHouseholds: moving.reduce((n, b) => n + b.households, 0) })
    }
    if (path === `/api/admin/communities/${C1}/settings`) {
      if (method === 'PATCH') {
        if (body.name) w.communities[0].name = body.name
        Object.assign(w.settings, body.timeZone ? { timeZone: body.timeZone } : {}, body.lockMinutes ? { lockMinutes: body.lockMinutes } : {})
      }
      return jsonResponse({
        community: { id: C1, name: w.communities[0].name, code: 'HKR' }, settings: { ...w.settings }, defaults: { timeZone: 'Asia/Shanghai' },
        tiles: { configured: true, crs: 'gcj02', attribution: '© 高德地图', maxZoom: 18 },
      })
    }
    if (path === '/api/config') return jsonResponse({ error: 'not_found', message: '没有' }, 404)
    throw new TypeError('Failed to fetch')
  })
}

/** A control by its visible label: `<label for>` or an aria-label equal to it. */
function control<T extends HTMLElement = HTMLInputElement>(label: string): T {
  const byFor = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === label && l.htmlFor)
  const found = byFor ? document.getElementById(byFor.htmlFor) : document.querySelector(`[aria-label="${label}"]`)
  if (!found) throw new Error(`no control labelled ${label}`)
  return found as T
}
function fill(label: string, value: string) {
  const el = control(label)
  el.value = value
  el.dispatchEvent(new Event('input'))
}
function pick(label: string, value: string) {
  const el = control<HTMLSelectElement>(label)
  el.value = value
  el.dispatchEvent(new Event('change'))
}
function pickFile(label: string, file: File) {
  const input = control(label)
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
}
/** The submit button of a form (in the section labelled `section`), once it is enabled. */
async function submit(section?: string) {
  const find = () => document.querySelector<HTMLButtonElement>(`${section ? `section[aria-label="${section}"] ` : ''}form button[type="submit"]`)
  await until(() => !!find() && !find()!.disabled)
  find()!.click()
}
const dialog = () => [...document.querySelectorAll<HTMLElement>('.van-dialog')].find((d) => d.style.display !== 'none')
const text = () => document.body.textContent ?? ''
const noIds = () => expect(text()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)

let w: World
beforeEach(async () => {
  await resetDb()
  w = world()
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

describe('社区与网格', () => {
  it('shows the grid tree with counts and worker names, no ids, and the 设置 menu', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('一号微网格'))
    const rows = [...document.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent?.trim()))
    expect(rows).toEqual([
      ['第一网格 网格 · 没有边界', '30', '3', '王芳'],
      ['一号微网格 微网格 · 没有边界', '12', '1', '王芳'],
      ['第二网格 网格', '10', '1', '无人'],
    ])
    // Only a grid with a boundary can claim the buildings inside it; the map shows the boundaries.
    expect(document.querySelector<HTMLButtonElement>('button[aria-label="收入边界内楼栋 第一网格"]')!.disabled).toBe(true)
    expect(document.querySelector<HTMLButtonElement>('button[aria-label="收入边界内楼栋 第二网格"]')!.disabled).toBe(false)
    await until(() => document.querySelector('[role="region"][aria-label="网格地图"]')?.getAttribute('data-boundaries') === '第二网格')
    expect([...document.querySelectorAll('nav[aria-label="设置"] a')].map((a) => a.textContent?.trim())).toEqual(['社区与网格', '人员', '楼栋', '社区设置'])
    expect(text()).toContain('2 个网格，40 户')
    noIds()
  })

  it('画边界 sends the drawn polygon to the grid update route; 取消 sends nothing', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => !!document.querySelector('button[aria-label="画边界 第一网格"]'))
    // A grid with a boundary offers 编辑边界 and hands its ring to the map.
    expect(document.querySelector('button[aria-label="编辑边界 第二网格"]')).not.toBeNull()
    document.querySelector<HTMLButtonElement>('button[aria-label="编辑边界 第二网格"]')!.click()
    await until(() => !!document.querySelector('[data-ring="yes"]'))
    button('取消').click()
    await settle()
    document.querySelector<HTMLButtonElement>('button[aria-label="画边界 第一网格"]')!.click()
    await until(() => !!document.querySelector('[data-ring="no"]'))
    expect(button('保存边界').disabled).toBe(true)
    button('模拟绘制').click()
    await until(() => !button('保存边界').disabled)
    button('保存边界').click()
    await until(() => text().includes('已保存“第一网格”的边界'))
    const patches = w.calls.filter((c) => c.method === 'PATCH')
    expect(patches).toEqual([{ method: 'PATCH', url: `/api/admin/grids/${G1}`, body: { boundary: DRAWN } }])
  })

  it('an admin creates a community, which becomes the chosen one', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    button('新建社区').click()
    await until(() => !!document.querySelector('form'))
    fill('社区名称', '苏州路社区')
    fill('社区编码', 'SZR')
    button('保存').click()
    await until(() => text().includes('已新建社区“苏州路社区”'))
    expect(w.calls.find((c) => c.method === 'POST' && c.url === '/api/admin/communities')?.body).toEqual({ name: '苏州路社区', code: 'SZR' })
    expect(control<HTMLSelectElement>('社区').selectedOptions[0].textContent).toBe('苏州路社区')
    await until(() => text().includes('这个社区还没有网格'))
  })

  it('a form with a bad code is refused before anything is sent', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    button('新建网格').click()
    await until(() => !!document.querySelector('form'))
    fill('网格名称', '第三网格')
    fill('网格编码', '第三')
    document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click()
    await until(() => text().includes('编码只能用字母、数字、- 和 _'))
    expect(document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.disabled).toBe(true)
    expect(w.calls.some((c) => c.url === '/api/admin/grids')).toBe(false)
    fill('网格编码', 'G3')
    await until(() => !document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.disabled)
    document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click()
    await until(() => text().includes('第三网格'))
    expect(w.calls.find((c) => c.url === '/api/admin/grids')?.body).toEqual({ communityId: C1, parentId: null, name: '第三网格', code: 'G3' })
  })

  it('a supervisor does not get 新建社区', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    expect([...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === '新建社区')).toBe(false)
  })

  it('移动 sends the new parent with PATCH; 交接 says who gave what to whom', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    document.querySelector<HTMLButtonElement>('button[aria-label="移动 一号微网格"]')!.click()
    await until(() => text().includes('移到网格'))
    // The grid it is under is not offered.
    expect([...control<HTMLSelectElement>('移到网格').options].map((o) => o.textContent)).toEqual(['请选择', '第二网格'])
    pick('移到网格', G2)
    await submit('移动：一号微网格')
    await until(() => text().includes('已将“一号微网格”移到“第二网格”'))
    expect(w.calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: `/api/admin/grids/${M1}`, body: { parentId: G2 } })

    document.querySelector<HTMLButtonElement>('button[aria-label="交接 第一网格"]')!.click()
    await until(() => text().includes('交接“第一网格”'))
    pick('交出人', W1)
    pick('接手人', W2)
    await submit('交接“第一网格”')
    await until(() => text().includes('已将“第一网格”从王芳交接给李强：30 户、4 栋楼、2 件未办结事件随网格移交'))
    expect(w.calls.find((c) => c.url.endsWith('/handover'))?.body).toEqual({ fromUserId: W1, toUserId: W2 })
  })

  it('导入边界: the check lists the grids and every problem; 导入 waits for a clean check and a confirmation', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    const path = `POST /api/admin/communities/${C1}/boundaries`
    w.answers.set(path, () =>
      jsonResponse({
        features: 3,
        grids: [
          { name: '第三网格', code: 'G3', level: 'grid', parentName: null, action: 'create' },
          { name: '第一网格', code: 'G1', level: 'grid', parentName: null, action: 'update' },
        ],
        problems: [{ feature: 3, name: '三号微网格', message: '边界自相交（第 2 点附近），请在地图软件中修正后重新导出' }],
      }),
    )
    pickFile('边界文件（GeoJSON 或 KML）', new File(['{}'], '网格.geojson'))
    pick('文件坐标系', 'gcj02')
    await until(() => !button('预检（不保存）').disabled)
    button('预检（不保存）').click()
    await until(() => text().includes('文件中 3 个图形：新建 1 个，更新 1 个'))
    expect(text()).toContain('第 3 个图形（三号微网格）：边界自相交（第 2 点附近）')
    expect(button('导入').disabled).toBe(true)
    const [url, init] = callsTo(vi.mocked(fetch), `/api/admin/communities/${C1}/boundaries`)[0]
    expect(url).toBe(`/api/admin/communities/${C1}/boundaries?dryRun=1&crs=gcj02`)
    expect(init?.body).toBeInstanceOf(FormData)
    expect((init?.body as FormData).get('file')).toBeInstanceOf(File)
    // The browser sets the multipart boundary itself.
    expect(new Headers(init?.headers).get('content-type')).toBeNull()

    const clean = { features: 2, grids: [{ name: '第三网格', code: 'G3', level: 'grid', parentName: null, action: 'create' }], problems: [] }
    w.answers.set(path, () => jsonResponse(clean))
    button('预检（不保存）').click()
    await until(() => text().includes('没有问题，可以导入。'))
    expect(button('导入').disabled).toBe(false)
    w.answers.set(path, () => jsonResponse({ ...clean, created: 1, updated: 0 }))
    button('导入').click()
    await until(() => dialog()?.textContent?.includes('将新建 1 个、更新 0 个网格的边界。确定导入？') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => text().includes('已导入：新建 1 个，更新 0 个'))
    expect(w.calls.filter((c) => c.url.includes('/boundaries')).map((c) => c.url.split('?')[1])).toEqual(['dryRun=1&crs=gcj02', 'dryRun=1&crs=gcj02', 'dryRun=0&crs=gcj02'])
  })

  it('a refusal of the server is shown in its words', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/grids')
    await until(() => text().includes('第一网格'))
    w.answers.set('POST /api/admin/grids', () => jsonResponse({ error: 'duplicate_code', message: '编码“G1”在本社区已被“第一网格”使用' }, 409))
    button('新建网格').click()
    await until(() => !!document.querySelector('form'))
    fill('网格名称', '又一个')
    fill('网格编码', 'G1')
    document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click()
    await until(() => document.querySelector('[role="alert"]')?.textContent?.includes('编码“G1”在本社区已被“第一网格”使用') ?? false)
  })
})

describe('人员', () => {
  it('lists role, grid names, state and devices, never ids', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    const rows = [...document.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 7).map((td) => td.textContent?.trim()))
    expect(rows).toEqual([
      ['王芳', 'wangfang', '13800000001', '网格员', '第一网格、一号微网格', '在用', '2'],
      ['李强', 'liqiang', '13800000002', '网格员', '第二网格', '在用', '0'],
    ])
    noIds()
  })

  it('新建人员 sends name, username, mobile, role, the chosen grids, and no password when none is given', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    button('新建人员').click()
    await until(() => text().includes('初始密码'))
    fill('姓名', '赵敏')
    fill('用户名', 'zhaomin')
    fill('手机', '139 0000 0003')
    const grids = control<HTMLSelectElement>('网格')
    expect([...grids.options].map((o) => o.textContent)).toEqual(['第一网格', '第一网格 / 一号微网格', '第二网格'])
    for (const o of grids.options) o.selected = o.value !== G1
    grids.dispatchEvent(new Event('change'))
    await submit('新建人员')
    await until(() => text().includes('已新建“赵敏”'))
    expect(w.calls.find((c) => c.method === 'POST' && c.url === '/api/admin/people')?.body).toEqual({
      communityId: C1, name: '赵敏', username: 'zhaomin', phone: '13900000003', role: 'worker', gridIds: [M1, G2],
    })
  })

  it('停用 asks first, saying every device signs out, then sends disabled: true', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    document.querySelector<HTMLButtonElement>('button[aria-label="停用 王芳"]')!.click()
    await until(() => dialog()?.textContent?.includes('停用后该账号的所有设备立即退出。确定停用“王芳”？') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__cancel')!.click()
    await until(() => !dialog())
    expect(w.calls.some((c) => c.method === 'PATCH')).toBe(false)

    document.querySelector<HTMLButtonElement>('button[aria-label="停用 王芳"]')!.click()
    await until(() => !!dialog())
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => !!document.querySelector('button[aria-label="启用 王芳"]'))
    expect(w.calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: `/api/admin/people/${W1}`, body: { disabled: true } })
    expect(document.querySelector('tbody tr td:nth-child(6)')?.textContent).toBe('停用')
  })

  it('编辑 changes the mobile and keeps the grids; username and password are not part of it', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    document.querySelector<HTMLButtonElement>('button[aria-label="编辑 王芳"]')!.click()
    await until(() => text().includes('编辑人员：王芳'))
    expect(text()).not.toContain('初始密码')
    expect(control('手机').value).toBe('13800000001')
    fill('手机', '13800000009')
    await submit('编辑人员：王芳')
    await until(() => text().includes('已保存“王芳”'))
    expect(w.calls.find((c) => c.method === 'PATCH')).toMatchObject({
      url: `/api/admin/people/${W1}`, body: { name: '王芳', phone: '13800000009', role: 'worker', gridIds: [G1, M1] },
    })
  })

  it('重置密码 refuses a short one and sends a good one', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    document.querySelector<HTMLButtonElement>('button[aria-label="重置密码 王芳"]')!.click()
    await until(() => text().includes('新密码（至少 8 位）'))
    fill('新密码（至少 8 位）', 'short')
    await settle()
    expect(document.querySelector<HTMLButtonElement>('section[aria-label="重置密码：王芳"] button[type="submit"]')!.disabled).toBe(true)
    fill('新密码（至少 8 位）', 'long enough')
    await submit('重置密码：王芳')
    await until(() => text().includes('已为“王芳”设置新密码'))
    expect(w.calls.find((c) => c.url === `/api/admin/people/${W1}/password`)?.body).toEqual({ password: 'long enough' })
  })

  it('扫码登录 shows the QR code, the link and its expiry; 作废二维码 revokes it', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('李强'))
    document.querySelector<HTMLButtonElement>('button[aria-label="扫码登录 李强"]')!.click()
    await until(() => text().includes('“李强”扫码登录'))
    button('生成二维码').click()
    await until(() => !!document.querySelector('img[alt="登录二维码"]'))
    expect(document.querySelector<HTMLImageElement>('img[alt="登录二维码"]')!.src).toMatch(/^data:image\/png;base64,/)
    expect(control('登录链接').value).toBe('http://127.0.0.1:8080/link#t=secret-token')
    expect(text()).toContain('有效期至 2026年12月8日 10:30，只能使用一次')
    await until(() => document.querySelector('section[aria-label="“李强”扫码登录"] tbody td:nth-child(3)')?.textContent === '有效')

    button('作废二维码').click()
    await until(() => dialog()?.textContent?.includes('作废后这个二维码和链接不能再用') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => document.querySelector('section[aria-label="“李强”扫码登录"] tbody td:nth-child(3)')?.textContent === '已作废')
    expect(document.querySelector('img[alt="登录二维码"]')).toBeNull()
    expect(w.calls.some((c) => c.method === 'POST' && c.url === `/api/admin/sign-in-links/${L1}/revoke`)).toBe(true)
    noIds()
  })
})

describe('楼栋', () => {
  it('lists buildings under their grid names, without coordinates or ids', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('3号楼'))
    expect(document.querySelector('tbody th')?.textContent).toBe('第一网格 / 一号微网格（1）')
    expect(text()).not.toContain('120.51')
    noIds()
  })

  it('新建楼栋 checks the point, then sends it with its coordinate system; without a grid the server places it', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('3号楼'))
    button('新建楼栋').click()
    await until(() => text().includes('按位置自动归入网格'))
    fill('小区', '阳光小区')
    fill('楼栋', '1号楼')
    fill('经度', '36.87')
    fill('纬度', '120.52')
    document.querySelector<HTMLButtonElement>('section[aria-label="新建楼栋"] button[type="submit"]')!.click()
    await until(() => text().includes('经度和纬度似乎填反了'))
    expect(w.calls.some((c) => c.url === '/api/admin/buildings')).toBe(false)
    fill('经度', '120.52')
    fill('纬度', '36.87')
    expect(control<HTMLSelectElement>('坐标系').value).toBe('gcj02')
    await submit('新建楼栋')
    await until(() => text().includes('已新建“阳光小区1号楼”'))
    expect(w.calls.find((c) => c.url === '/api/admin/buildings')?.body).toEqual({
      communityId: C1, compound: '阳光小区', name: '1号楼', location: [120.52, 36.87], crs: 'gcj02',
    })
    await until(() => text().includes('第二网格（1）'))
  })

  it('移到网格 moves a building and says how many households went with it', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('3号楼'))
    document.querySelector<HTMLButtonElement>('button[aria-label="移到网格 海景花园3号楼"]')!.click()
    await until(() => text().includes('移到网格：海景花园3号楼'))
    pick('移到网格', G2)
    await submit('移到网格：海景花园3号楼')
    await until(() => text().includes('已将“海景花园3号楼”移到“第二网格”，12 户随之移动'))
    expect(w.calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: `/api/admin/buildings/${B1}`, body: { gridId: G2 } })
  })

  it('圈选楼栋 moves the buildings inside the drawn area in one request; a refusal is shown and nothing moves', async () => {
    const B2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c32'
    w.buildings.push({ id: B2, gridId: G1, gridName: '第一网格', compound: '海景花园', name: '4号楼', location: [120.508, 36.802], units: 1, floors: 6, households: 5 })
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('4号楼'))
    button('圈选楼栋').click()
    await until(() => text().includes('圈选楼栋，移到网格'))
    button('模拟绘制').click()
    await until(() => text().includes('圈中 1 栋楼'))
    pick('移到网格', G2)
    w.answers.set('POST /api/admin/buildings/move', () => jsonResponse({ error: 'bad_request', message: '有 1 栋楼已不存在（可能已被删除），没有移动任何楼栋，请刷新后重新圈选' }, 400))
    await submit('圈选楼栋，移到网格')
    await until(() => dialog()?.textContent?.includes('圈中的 1 栋楼及其住户将移到“第二网格”') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => text().includes('有 1 栋楼已不存在'))
    expect(w.buildings.find((b) => b.id === B2)?.gridId).toBe(G1)
    await submit('圈选楼栋，移到网格')
    await until(() => dialog()?.textContent?.includes('圈中的 1 栋楼及其住户将移到“第二网格”') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => text().includes('已将 1 栋楼移到“第二网格”，5 户随之移动'))
    const moves = w.calls.filter((c) => c.url === '/api/admin/buildings/move')
    expect(moves.map((c) => c.body)).toEqual([{ buildingIds: [B2], gridId: G2 }, { buildingIds: [B2], gridId: G2 }])
    expect(w.calls.some((c) => c.method === 'PATCH')).toBe(false)
  })

  it('导入楼栋表 lists every problem of every row, and imports only after a clean check and a confirmation', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('3号楼'))
    const path = `POST /api/admin/communities/${C1}/buildings/import`
    w.answers.set(path, () => jsonResponse({ rows: 4, problems: [{ row: 3, messages: ['缺少“楼栋”', '经度“abc”不是数'] }, { row: 5, messages: ['位置不在任何网格内'] }] }))
    pickFile('楼栋表（.xlsx 或 .csv）', new File(['x'], '楼栋.xlsx'))
    await until(() => !button('预检（不保存）').disabled)
    button('预检（不保存）').click()
    await until(() => text().includes('第 3 行'))
    const rows = [...document.querySelectorAll('.admin-panel tbody tr')].map((r) => r.textContent)
    expect(rows).toEqual(['第 3 行缺少“楼栋”；经度“abc”不是数', '第 5 行位置不在任何网格内'])
    expect(button('导入').disabled).toBe(true)
    expect(callsTo(vi.mocked(fetch), `/api/admin/communities/${C1}/buildings/import`)[0][0]).toMatch(/dryRun=1$/)

    w.answers.set(path, () => jsonResponse({ rows: 4, problems: [] }))
    button('预检（不保存）').click()
    await until(() => text().includes('表中 4 行，没有问题，可以导入。'))
    w.answers.set(path, () => jsonResponse({ rows: 4, problems: [], created: 4 }))
    button('导入').click()
    await until(() => dialog()?.textContent?.includes('将新建 4 栋楼。确定导入？') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => text().includes('已导入 4 栋楼'))
    expect(callsTo(vi.mocked(fetch), `/api/admin/communities/${C1}/buildings/import`).map(([u]) => u.split('?')[1])).toEqual(['dryRun=1', 'dryRun=1', 'dryRun=0'])
  })

  it('a file of the wrong kind is refused before it is sent', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/buildings')
    await until(() => text().includes('3号楼'))
    pickFile('楼栋表（.xlsx 或 .csv）', new File(['x'], '楼栋.pdf'))
    await until(() => text().includes('请选择 .xlsx 或 .csv 文件'))
    expect(button('预检（不保存）').disabled).toBe(true)
  })
})

describe('社区设置', () => {
  it('shows name, zone and lock time, refuses a bad lock time before sending, sends only what changed; the base map in words', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer(w)
    await mountApp('/console/admin/settings')
    await until(() => text().includes('底图（服务器设置，只读）'))
    expect(control('社区名称').value).toBe('香港路社区')
    expect(control<HTMLSelectElement>('时区').selectedOptions[0].textContent).toBe('北京时间（Asia/Shanghai）')
    expect(control('手机自动锁定（分钟）').value).toBe('5')
    expect(text()).toContain('底图坐标系：GCJ-02（高德/腾讯）')
    expect(text()).toContain('版权说明：© 高德地图')
    noIds()

    fill('手机自动锁定（分钟）', '90')
    document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click()
    await until(() => text().includes('自动锁定时间应为 1–60 分钟的整数'))
    expect(w.calls.filter((c) => c.method === 'PATCH')).toEqual([])

    fill('手机自动锁定（分钟）', '10')
    pick('时区', 'America/New_York')
    await submit()
    await until(() => text().includes('已保存社区设置'))
    expect(w.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ timeZone: 'America/New_York', lockMinutes: 10 }])
    expect(control<HTMLSelectElement>('时区').selectedOptions[0].textContent).toBe('纽约时间（America/New_York）')
  })

  it('a refusal of the server is shown in its words', async () => {
    await setMeta(appDb(), 'session', admin)
    fakeServer(w)
    await mountApp('/console/admin/settings')
    await until(() => text().includes('底图（服务器设置，只读）'))
    w.answers.set(`PATCH /api/admin/communities/${C1}/settings`, () => jsonResponse({ error: 'invalid_settings', message: '时区“X”不存在' }, 400))
    fill('社区名称', '香港中路社区')
    await submit()
    await until(() => text().includes('时区“X”不存在'))
  })
})

describe('导入人员表', () => {
  // A confirmation dialog of an earlier test may still be in the page with its own 导入 button.
  const panelButton = (label: string) =>
    [...document.querySelectorAll<HTMLButtonElement>('section[aria-label="导入人员表"] button')].find((b) => b.textContent?.trim() === label)!

  it('预检 shows every problem of every row; 导入 waits for a clean check, asks, then shows the result', async () => {
    await setMeta(appDb(), 'session', supervisor)
    fakeServer(w)
    await mountApp('/console/admin/people')
    await until(() => text().includes('王芳'))
    button('导入人员表').click()
    await until(() => text().includes('人员表（.xlsx 或 .csv）'))
    const path = `POST /api/admin/communities/${C1}/people/import`
    w.answers.set(path, () => jsonResponse({ rows: 3, created: 0, problems: [{ row: 2, messages: ['用户名“wangfang”已被使用（或在表里重复）', '网格“第九网格”不在本社区'] }] }))
    pickFile('人员表（.xlsx 或 .csv）', new File(['x'], '人员.xlsx'))
    await until(() => !panelButton('预检（不保存）').disabled)
    panelButton('预检（不保存）').click()
    await until(() => text().includes('第 2 行'))
    const rows = [...document.querySelectorAll('.admin-panel tbody tr')].map((r) => r.textContent)
    expect(rows).toEqual(['第 2 行用户名“wangfang”已被使用（或在表里重复）；网格“第九网格”不在本社区'])
    expect(panelButton('导入').disabled).toBe(true)

    w.answers.set(path, () => jsonResponse({ rows: 3, created: 0, problems: [] }))
    panelButton('预检（不保存）').click()
    await until(() => text().includes('表中 3 行，没有问题，可以导入。'))
    w.answers.set(path, () => jsonResponse({ rows: 3, problems: [], created: 3 }))
    panelButton('导入').click()
    await until(() => dialog()?.textContent?.includes('将新建 3 个账号。确定导入？') ?? false)
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => text().includes('导入结果：表中 3 行，新建 3 个账号'))
    expect(callsTo(vi.mocked(fetch), `/api/admin/communities/${C1}/people/import`).map(([u]) => u.split('?')[1])).toEqual(['dryRun=1', 'dryRun=1', 'dryRun=0'])
  })
})
