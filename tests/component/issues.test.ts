// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb } from '@/db'
import { emptyDraft } from '@/features/issues/issues.models'
import { useIssuesStore } from '@/features/issues/issues.store'
import { mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll, button } from './helpers'

const gridId = session.user.gridIds[0]

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  // No signal: whatever the shell's sync tries fails, so only these tests empty the outbox.
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

/** Types the title, picks the category (类别) in its picker and sends the report form. */
async function sendReport(wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper'], title: string, category: string) {
  await wrapper.find('input[name="title"]').setValue(title)
  await wrapper.find('input[name="category"]').trigger('click')
  await until(() => !!document.querySelector('.van-picker'))
  ;[...document.querySelectorAll<HTMLElement>('.van-picker-column__item')].find((o) => o.textContent?.trim() === category)!.click()
  await settle()
  button('确定').click()
  await settle()
  await wrapper.find('form').trigger('submit')
}

function listItems(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('.issues-item')]
}

describe('issues list', () => {
  it('shows an issue reported through the store with its labels, and 待同步 until the outbox is empty', async () => {
    const { wrapper } = await mountApp('/issues')
    await until(() => wrapper.text().includes('这里还没有事件'))
    await useIssuesStore().report({ ...emptyDraft(gridId), title: '3号楼楼道堆放杂物', category: 'fire_safety', level: 'grid' })

    await until(() => listItems().length === 1)
    const item = listItems()[0].textContent!
    for (const text of ['3号楼楼道堆放杂物', '消防安全', '网格', '待派单', '待同步', '上报于']) expect(item).toContain(text)
    expect(item).not.toContain('已同步')

    // The server acknowledged the issue but not yet its event: still pending.
    const [issue] = await appDb().issues.toArray()
    await appDb().outbox.where('recordId').equals(issue.id).delete()
    await settle()
    expect(listItems()[0].textContent).toContain('待同步')

    await appDb().outbox.clear()
    await until(() => listItems()[0].textContent!.includes('已同步'))
    expect(listItems()[0].textContent).not.toContain('待同步')
  })

  it('opens the form from the 上报事件 button', async () => {
    const { wrapper, router } = await mountApp('/issues')
    await until(() => wrapper.text().includes('上报事件'))
    button('上报事件').click()
    await until(() => router.currentRoute.value.path === '/issues/new')
    await until(() => wrapper.find('form').exists())
    expect(wrapper.find('.van-tabbar').exists()).toBe(false)
  })
})

describe('report form', () => {
  it('refuses an empty title with a readable message and stores nothing', async () => {
    const { wrapper, router } = await mountApp('/issues/new')
    await until(() => wrapper.find('input[name="title"]').exists())
    await wrapper.find('input[name="title"]').setValue('   ')
    await wrapper.find('form').trigger('submit')
    await until(() => wrapper.text().includes('请填写标题'))
    await settle()
    expect(router.currentRoute.value.path).toBe('/issues/new')
    expect(await appDb().issues.count()).toBe(0)
    expect(await appDb().issueEvents.count()).toBe(0)
    expect(await appDb().outbox.count()).toBe(0)
  })

  it('refuses a report without a category: no silent default', async () => {
    const { wrapper } = await mountApp('/issues/new')
    await until(() => wrapper.find('input[name="title"]').exists())
    await wrapper.find('input[name="title"]').setValue('路灯不亮')
    await wrapper.find('form').trigger('submit')
    await until(() => wrapper.text().includes('请选择类别'))
    expect(await appDb().issues.count()).toBe(0)
  })

  it('reports a 微心愿 marked urgent, with the level’s deadline in words', async () => {
    const { wrapper, router } = await mountApp('/issues/new')
    await until(() => wrapper.find('input[name="title"]').exists())
    const radio = (label: string) => [...document.querySelectorAll<HTMLElement>('.van-radio')].find((r) => r.textContent?.trim() === label)!
    radio('微心愿').click()
    radio('网格').click()
    await until(() => wrapper.text().includes('网格事项：3 天内办结'))
    ;(document.querySelector('.van-checkbox') as HTMLElement).click()
    await sendReport(wrapper, '想要一台轮椅', '微心愿')
    await until(() => router.currentRoute.value.path === '/issues')
    const [issue] = await appDb().issues.toArray()
    expect(issue).toMatchObject({ type: 'wish', category: 'micro_wish', level: 'grid', urgent: true, title: '想要一台轮椅' })
  })

  it('takes the location from a household picked from the ledger on this phone', async () => {
    const microId = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c90'
    const buildingId = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c91'
    const householdId = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c92'
    const hlc = '001763880000000-00000-server'
    await appDb().buildings.put({ id: buildingId, hlc, deleted: false, gridId: microId, compound: '幸福小区', name: '3号楼', location: [116.4, 39.9], units: 2, floors: 6 })
    await appDb().households.put({
      id: householdId, hlc, deleted: false, gridId: microId, buildingId, unit: '2', room: '301', address: '幸福小区3号楼2单元301', headName: '王秀英',
      phone: '', members: [], tags: [], health: '', situation: '', needs: '', notes: '',
    })
    const { wrapper, router } = await mountApp('/issues/new')
    await until(() => wrapper.find('input[name="placeSearch"]').exists())
    await wrapper.find('input[name="placeSearch"]').setValue('3号楼2单元')
    await until(() => !!document.querySelector('.issues-place__option'))
    ;(document.querySelector('.issues-place__option') as HTMLElement).click()
    await until(() => (wrapper.find('input[name="place"]').element as HTMLInputElement).value.includes('王秀英'))
    await sendReport(wrapper, '楼道灯坏了', '公共设施')
    await until(() => router.currentRoute.value.path === '/issues')
    const [issue] = await appDb().issues.toArray()
    expect(issue).toMatchObject({ householdId, gridId: microId, location: { lng: 116.4, lat: 39.9 } })
  })

  it('offers buildings as well as flats from the ledger, buildings first, in natural order (5号楼 before 15号楼)', async () => {
    const hlc = '001763880000000-00000-server'
    const b5 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c95'
    const b15 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c96'
    await appDb().buildings.bulkPut([
      { id: b15, hlc, deleted: false, gridId, compound: '翠湖花园', name: '15号楼', location: [120.5, 36.871], units: 2, floors: 6 },
      { id: b5, hlc, deleted: false, gridId, compound: '翠湖花园', name: '5号楼', location: [120.5, 36.87], units: 2, floors: 6 },
    ])
    await appDb().households.bulkPut(['15号楼1单元101', '5号楼1单元101'].map((flat, i) => ({
      id: `0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8ca${i}`, hlc, deleted: false, gridId, buildingId: i ? b5 : b15, unit: '1', room: '101', address: `翠湖花园${flat}`, headName: '李梅',
      phone: '', members: [], tags: [], health: '', situation: '', needs: '', notes: '',
    })))
    const { wrapper } = await mountApp('/issues/new')
    await until(() => wrapper.find('input[name="placeSearch"]').exists())
    await wrapper.find('input[name="placeSearch"]').setValue('翠湖花园')
    await until(() => document.querySelectorAll('.issues-place__option').length === 4)
    const options = [...document.querySelectorAll('.issues-place__option')].map((o) => o.textContent!.replace(/\s+/g, ' ').trim())
    expect(options).toEqual(['楼栋翠湖花园 5号楼', '楼栋翠湖花园 15号楼', '住户翠湖花园5号楼1单元101 李梅', '住户翠湖花园15号楼1单元101 李梅'])
    ;(document.querySelector('.issues-place__option') as HTMLElement).click()
    await until(() => (wrapper.find('input[name="place"]').element as HTMLInputElement).value === '翠湖花园 5号楼')
  })

  it('shows the grid by its local name', async () => {
    await appDb().grids.put({
      id: gridId, hlc: '001763880000000-00000-server', deleted: false, communityId: gridId, parentId: null,
      level: 'grid', name: '第三网格', code: 'G03', boundary: null, workerIds: [session.user.id],
    })
    const { wrapper } = await mountApp('/issues/new')
    await until(() => (wrapper.find('input[name="grid"]').element as HTMLInputElement | undefined)?.value === '第三网格')
  })

  it('saves one issue, one reported event and an outbox entry for each, then lists it as 待同步', async () => {
    const { wrapper, router } = await mountApp('/issues')
    await until(() => wrapper.text().includes('上报事件'))
    button('上报事件').click()
    await until(() => wrapper.find('input[name="title"]').exists())
    // The grid's record is not on this phone: it reads 网格, never its id.
    await until(() => (wrapper.find('input[name="grid"]').element as HTMLInputElement).value === '网格')

    await wrapper.find('input[name="title"]').setValue('小区东门路灯不亮')
    await wrapper.find('textarea[name="description"]').setValue('东门两盏路灯坏了一周')
    await wrapper.find('input[name="category"]').trigger('click')
    await until(() => !!document.querySelector('.van-picker'))
    const option = [...document.querySelectorAll<HTMLElement>('.van-picker-column__item')].find((o) => o.textContent?.trim() === '公共设施')
    option!.click()
    await settle()
    button('确定').click()
    await until(() => (wrapper.find('input[name="category"]').element as HTMLInputElement).value === '公共设施')
    const street = [...document.querySelectorAll<HTMLElement>('.van-radio')].find((r) => r.textContent?.trim() === '街道')
    street!.click()
    await until(() => wrapper.text().includes('街道事项：5 天内办结'))

    await wrapper.find('form').trigger('submit')
    await until(() => router.currentRoute.value.path === '/issues')
    await until(() => listItems().length === 1)
    expect(listItems()[0].textContent).toContain('小区东门路灯不亮')
    expect(listItems()[0].textContent).toContain('待同步')

    const issues = await appDb().issues.toArray()
    const events = await appDb().issueEvents.toArray()
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({
      title: '小区东门路灯不亮', description: '东门两盏路灯坏了一周', category: 'public_facility', level: 'street',
      type: 'issue', source: 'resident', gridId, reportedBy: session.user.id, photoIds: [],
    })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ issueId: issues[0].id, type: 'reported', actorId: session.user.id, at: issues[0].reportedAt })
    const outbox = await appDb().outbox.toArray()
    expect(outbox.map((e) => e.recordId).sort()).toEqual([issues[0].id, events[0].id].sort())
  })
})
