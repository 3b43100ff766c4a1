// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Repository, appDb } from '@/db'
import type { Building, Household } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { button, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll } from './helpers'

const HLC = '001763880000000-00000-seed'
const gridId = session.user.gridIds[0]
const DAY = 86_400_000
const building = (name: string): Building => ({
  id: uuidv7(), hlc: HLC, deleted: false, gridId, compound: '海棠苑', name, location: [120.52, 36.86], footprint: null, units: 3, floors: 6,
})
const b3 = building('3号楼')
const b5 = building('5号楼')
// Recorded a year ago: a never-visited weekly household is overdue.
const household = (b: Building, unit: string, room: string, headName: string, phone: string, tags: Household['tags'] = []): Household => ({
  id: uuidv7(Date.now() - 365 * DAY), hlc: HLC, deleted: false, gridId, buildingId: b.id, unit, room,
  address: `莱西市 海棠苑 ${b.name}${unit}单元${room}室`, headName, phone, tags, health: '高血压', situation: '独居', needs: '', notes: '',
  members: [{ name: headName, relation: '户主', gender: 'unknown', birthYear: 1945, idNumber: '370285194501011234', phone, tags: [] }],
})
const zhang = household(b3, '2', '301', '张伟', '17012345678', ['living_alone_elder'])
const wang = household(b3, '2', '302', '王芳', '17087654321')
const liu = household(b5, '1', '101', '刘洋', '17011112222')

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  await appDb().buildings.bulkPut([b3, b5])
  await appDb().households.bulkPut([zhang, wang, liu])
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

const rows = () => [...document.querySelectorAll<HTMLElement>('.ledger-row')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim())
function typeInto(id: string, value: string) {
  const input = document.getElementById(id) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

describe('住户 list', () => {
  it('groups 小区 → 楼栋 → 单元 → 户 with counts', async () => {
    await mountApp('/ledger')
    await until(() => rows().length > 0)
    expect(rows()).toEqual([
      '海棠苑3户', '3号楼2户', '2单元2户', expect.stringContaining('张伟'), expect.stringContaining('王芳'),
      '5号楼1户', '1单元1户', expect.stringContaining('刘洋'),
    ])
    expect(rows()[3]).toContain('逾期') // weekly, never visited since recorded a year ago
  })

  it('finds by initials, address fragment and phone tail, labelled 搜索住户', async () => {
    await mountApp('/ledger')
    await until(() => rows().length > 0)
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent === '搜索住户')!
    expect(label.htmlFor).toBe('ledger-search')
    expect((document.getElementById('ledger-search') as HTMLInputElement).placeholder).toBe('搜索姓名、拼音、地址或电话')
    typeInto('ledger-search', 'zw')
    await until(() => rows().length === 1)
    expect(rows()[0]).toContain('张伟')
    typeInto('ledger-search', '3-2')
    await until(() => rows().length === 2)
    typeInto('ledger-search', '2222')
    await until(() => rows().length === 1 && rows()[0].includes('刘洋'))
  })

  it('filters by tag and by visit state', async () => {
    await mountApp('/ledger')
    await until(() => rows().length > 0)
    const tag = [...document.querySelectorAll('label')].find((l) => l.textContent!.startsWith('标签'))!.querySelector('select')!
    tag.value = 'living_alone_elder'
    tag.dispatchEvent(new Event('change'))
    await until(() => rows().filter((r) => r.includes('室')).length === 1)
    expect(rows().join()).toContain('张伟')
    tag.value = ''
    tag.dispatchEvent(new Event('change'))

    // 王芳 was visited today: 本周已访, no longer 逾期.
    const now = Date.now()
    await new Repository(appDb()).create('visits', {
      householdId: wang.id, gridId, workerId: session.user.id, startedAt: now - 60_000, endedAt: now,
      location: null, outcome: 'met', answers: {}, notes: '', needs: '', photoIds: [], followUp: false,
    })
    const visit = [...document.querySelectorAll('label')].find((l) => l.textContent!.startsWith('走访'))!.querySelector('select')!
    const households = () => rows().filter((r) => r.includes('室'))
    visit.value = 'visitedThisWeek'
    visit.dispatchEvent(new Event('change'))
    await until(() => households().length === 1 && households()[0].includes('王芳'))
    visit.value = 'overdue'
    visit.dispatchEvent(new Event('change'))
    await until(() => households().length === 2)
    expect(households().join()).not.toContain('王芳')
  })
})

describe('household page', () => {
  it('masks phone and ID numbers until tapped, offers to call, and marks visits 待同步 then 已同步', async () => {
    await mountApp(`/ledger/h/${zhang.id}`)
    await until(() => document.body.textContent!.includes('莱西市 海棠苑 3号楼2单元301室'))
    const text = () => document.body.textContent!
    expect(text()).toContain('170****5678')
    expect(text()).not.toContain('17012345678')
    expect(text()).toContain('370285********1234')
    const tel = document.querySelector<HTMLAnchorElement>('a[href^="tel:"]')!
    expect(tel.getAttribute('href')).toBe('tel:17012345678')
    expect(text()).toContain('还没有走访记录')

    const repo = new Repository(appDb())
    const now = Date.now()
    const visit = await repo.create('visits', {
      householdId: zhang.id, gridId, workerId: session.user.id, channel: 'door', startedAt: now - 60_000, endedAt: now,
      location: null, outcome: 'met', answers: {}, notes: '老人身体不错', needs: '', photoIds: [], followUp: false,
    })
    await until(() => text().includes('老人身体不错') && text().includes('待同步'))
    await appDb().outbox.where('recordId').equals(visit.id).delete()
    await until(() => text().includes('已同步'))

    document.querySelector<HTMLButtonElement>('button[aria-label="显示完整 张伟"]')!.click()
    await settle()
    expect(text()).toContain('17012345678')
  })
})

describe('add and edit households', () => {
  it('shows a duplicate at the same building, unit and room before saving, with 打开已有', async () => {
    const { router } = await mountApp('/ledger/new')
    await until(() => document.querySelectorAll('option').length > 2)
    const select = [...document.querySelectorAll('label')].find((l) => l.textContent!.startsWith('楼栋'))!.querySelector('select')!
    select.value = b3.id
    select.dispatchEvent(new Event('change'))
    typeInto('ledger-unit', '2')
    typeInto('ledger-room', '301')
    typeInto('ledger-head', '张卫')
    await settle()
    button('保存').click()
    await until(() => document.body.textContent!.includes('可能重复'))
    expect(document.body.textContent).toContain('同一楼栋、单元和房号')
    expect(await appDb().households.count()).toBe(3)
    button('打开已有').click()
    await until(() => router.currentRoute.value.path === `/ledger/h/${zhang.id}`)
  })

  it('saves a new household when no duplicate exists, through the outbox', async () => {
    await mountApp('/ledger/new')
    await until(() => document.querySelectorAll('option').length > 2)
    const select = [...document.querySelectorAll('label')].find((l) => l.textContent!.startsWith('楼栋'))!.querySelector('select')!
    select.value = b5.id
    select.dispatchEvent(new Event('change'))
    typeInto('ledger-unit', '3')
    typeInto('ledger-room', '502')
    typeInto('ledger-head', '赵敏')
    await settle()
    button('保存').click()
    await until(async () => (await appDb().households.count()) === 4)
    const saved = (await appDb().households.toArray()).find((h) => h.headName === '赵敏')!
    expect(saved).toMatchObject({ address: '海棠苑 5号楼3单元502室', unit: '3', room: '502', buildingId: b5.id, gridId })
    expect(saved.members.map((m) => m.name)).toEqual(['赵敏'])
    expect(await appDb().outbox.where('recordId').equals(saved.id).count()).toBe(1)
  })

  it('marks a member 迁出 and the household 迁出 without deleting anything', async () => {
    await mountApp(`/ledger/h/${wang.id}/edit`)
    await until(() => (document.getElementById('ledger-head') as HTMLInputElement | null)?.value === '王芳')
    const status = [...document.querySelectorAll('label')].find((l) => l.textContent!.trim().startsWith('状态'))!.querySelector('select')!
    status.value = 'moved_out'
    status.dispatchEvent(new Event('change'))
    button('整户迁出').click()
    await settle()
    button('保存').click()
    await until(async () => !!(await appDb().households.get(wang.id))?.movedOutAt)
    const saved = (await appDb().households.get(wang.id))!
    expect(saved.deleted).toBe(false)
    expect(saved.members).toHaveLength(1)
    expect(saved.members[0].status).toBe('moved_out')
  })
})

describe('今日', () => {
  it('lists the households due, overdue first, with counts on the page and on the tab, and drops one once visited', async () => {
    await appDb().households.put({ ...liu, id: uuidv7(), headName: '新住户' }) // recorded now: not due yet
    const { wrapper } = await mountApp('/today')
    const items = () => [...document.querySelectorAll('.today-item')].map((i) => i.textContent!)
    await until(() => items().length === 3)
    expect(items()[0]).toContain('逾期')
    expect(items().join()).not.toContain('新住户')
    // 日日巡 of the worker's grid: nothing patrolled yet today
    await until(() => wrapper.text().includes('日日巡') && wrapper.text().includes('今日未巡'))
    expect(wrapper.text()).toMatch(/待同步：0 条/)
    expect(button('全部 3')).toBeTruthy()
    await until(() => document.querySelector('.van-tabbar-item')!.textContent!.includes('3'))

    const now = Date.now()
    await new Repository(appDb()).create('visits', {
      householdId: zhang.id, gridId, workerId: session.user.id, startedAt: now - 60_000, endedAt: now,
      location: null, outcome: 'met', answers: {}, notes: '', needs: '', photoIds: [], followUp: false,
    })
    await until(() => items().length === 2)
    expect(items().join()).not.toContain('张伟')
    await until(() => /待同步：1 条/.test(wrapper.text()))
  })
})
