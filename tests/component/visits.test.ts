// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb } from '@/db'
import type { Checklist, Household } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { button, mountApp, resetDb, saveTestSession, session, settle, stubFetch, until, unmountAll } from './helpers'

const compress = vi.hoisted(() => vi.fn(async (file: Blob, _options?: object) => new Blob([`small:${await file.text()}`], { type: 'image/jpeg' })))
vi.mock('browser-image-compression', () => ({ default: compress }))

const HLC = '001763880000000-00000-seed'
const gridId = session.user.gridIds[0]
const household: Household = {
  id: uuidv7(), hlc: HLC, deleted: false, gridId, buildingId: null, unit: '2', room: '301',
  address: '莱西市 海棠苑 3号楼2单元301室', headName: '张伟', phone: '17012345678',
  members: [{ name: '张伟', relation: '户主', gender: 'male', birthYear: 1942, idNumber: '', phone: '', tags: ['living_alone_elder'] }],
  tags: ['living_alone_elder'], health: '', situation: '', needs: '', notes: '',
}
const checklist: Checklist = {
  id: uuidv7(), hlc: HLC, deleted: false, kind: 'visit', name: '入户走访（五清）', version: 2,
  items: [
    { id: 'address', label: '住址清：住址与台账一致', category: '五清', required: true, kind: 'yesno' },
    { id: 'health', label: '健康状况清', category: '五清', required: true, kind: 'text' },
    { id: 'policy', label: '已宣传惠民政策', category: '宣传', required: false, kind: 'yesno' },
  ],
}
const path = `/visits/new/${household.id}`

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  await appDb().households.put(household)
  await appDb().checklists.put(checklist)
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
  compress.mockClear()
})
afterEach(() => {
  delete (navigator as { geolocation?: unknown }).geolocation
  vi.unstubAllGlobals()
  unmountAll()
})

/** The form control whose <label> (or fieldset option label) reads `text`. */
function control<T extends HTMLElement = HTMLInputElement>(text: string): T {
  for (const label of document.querySelectorAll('label')) {
    if (label.textContent?.trim() !== text) continue
    const inner = label.querySelector('input, textarea, select')
    if (inner) return inner as T
    const target = label.htmlFor && document.getElementById(label.htmlFor)
    if (target) return target as T
  }
  throw new Error(`no control labelled ${text}`)
}
function choose(text: string) {
  const input = control(text)
  input.checked = true
  input.dispatchEvent(new Event('change'))
}
function type(text: string, value: string) {
  const input = control<HTMLInputElement | HTMLTextAreaElement>(text)
  input.value = value
  input.dispatchEvent(new Event('input'))
}
async function openForm() {
  const app = await mountApp(path)
  await until(() => !!document.querySelector('form') && document.body.textContent!.includes('张伟'))
  await until(() => !button('保存走访').disabled)
  return app
}
function denyGps() {
  Object.defineProperty(navigator, 'geolocation', {
    configurable: true,
    value: { getCurrentPosition: (_ok: unknown, fail: (e: unknown) => void) => fail({ code: 1, message: 'denied' }) },
  })
}

describe('visit form', () => {
  it('names every field by its visible label', async () => {
    await openForm()
    for (const label of ['入户', '电话', '见到本人', '不在家', '拒绝入户', '走访记录', '诉求', '拍照/选择照片', '需要跟进', '健康状况清']) {
      expect(() => control(label), label).not.toThrow()
    }
    expect(document.body.textContent).toContain('住址清：住址与台账一致')
  })

  it('will not save without an outcome, nor a met visit without the required checklist answers', async () => {
    await openForm()
    button('保存走访').click()
    await until(() => document.body.textContent!.includes('请选择走访结果'))
    expect(await appDb().visits.count()).toBe(0)

    choose('见到本人')
    await settle()
    button('保存走访').click()
    await until(() => document.querySelectorAll('[role="alert"]').length > 0 && document.body.textContent!.includes('请填写此项'))
    expect(await appDb().visits.count()).toBe(0)

    // The notice goes as soon as the missing answers are given, before saving again.
    expect(document.body.textContent).toContain('还有必填项没有填写')
    choose('是')
    type('健康状况清', '身体尚可')
    await settle()
    expect(document.body.textContent).not.toContain('还有必填项没有填写')
    expect(document.body.textContent).not.toContain('请填写此项')
    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    const [visit] = await appDb().visits.toArray()
    expect(visit).toMatchObject({ outcome: 'met', channel: 'door', answers: { address: true, health: '身体尚可' }, checklistVersion: 2, workerId: session.user.id })
  })

  it('shows text items as boxes with a placeholder and scrolls 保存走访 to the first missing item', async () => {
    const scrolled: string[] = []
    const spy = vi.spyOn(HTMLElement.prototype, 'scrollIntoView').mockImplementation(function (this: HTMLElement) {
      scrolled.push(this.id)
    })
    await openForm()
    const health = control('健康状况清')
    expect(health.placeholder).toBe('请填写')
    expect(health.closest('.visits-box')).not.toBeNull()
    button('保存走访').click()
    await until(() => scrolled.length === 1)
    expect(scrolled).toEqual(['visit-outcome'])
    choose('见到本人')
    await settle()
    button('保存走访').click()
    await until(() => scrolled.length === 2)
    expect(scrolled[1]).toBe('visit-item-address')
    spy.mockRestore()
  })

  it('saves without GPS when permission is denied, through the outbox', async () => {
    denyGps()
    const { router } = await openForm()
    await until(() => document.body.textContent!.includes('未取得位置'))
    choose('电话')
    choose('不在家')
    type('走访记录', '敲门无人应答，电话联系未接')
    await settle()
    button('保存走访').click()
    await until(() => router.currentRoute.value.name === 'ledger-household')
    const [visit] = await appDb().visits.toArray()
    expect(visit.location).toBeNull()
    expect(visit).toMatchObject({ channel: 'phone', outcome: 'absent', notes: '敲门无人应答，电话联系未接' })
    expect(await appDb().outbox.where('recordId').equals(visit.id).count()).toBe(1)
  })

  it('keeps a draft in IndexedDB and offers it back after the form is mounted again', async () => {
    await openForm()
    choose('不在家')
    type('走访记录', '邻居说老人去女儿家了')
    await until(async () => (await appDb().meta.where('key').startsWith('draft:').count()) === 1)
    unmountAll()

    await openForm()
    await until(() => document.body.textContent!.includes('有一份未保存的走访草稿'))
    expect(control<HTMLTextAreaElement>('走访记录').value).toBe('')
    button('继续填写').click()
    await settle()
    expect(control<HTMLTextAreaElement>('走访记录').value).toBe('邻居说老人去女儿家了')
    expect(control('不在家').checked).toBe(true)

    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    expect(await appDb().meta.where('key').startsWith('draft:').count()).toBe(0)
  })

  it('compresses a photo before storing it by SHA-256 and names it in the visit', async () => {
    await openForm()
    const input = control('拍照/选择照片')
    const file = new File(['raw-camera-bytes'], 'IMG_0001.jpg', { type: 'image/jpeg' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    input.dispatchEvent(new Event('change'))
    await until(async () => (await appDb().blobs.count()) === 1)
    expect(compress).toHaveBeenCalledTimes(1)
    expect(compress.mock.calls[0][1]).toMatchObject({ maxWidthOrHeight: 1600, initialQuality: 0.75 })
    const [blob] = await appDb().blobs.toArray()
    expect(blob.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(blob.uploaded).toBe(0)

    choose('拒绝入户')
    await settle()
    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    const [visit] = await appDb().visits.toArray()
    expect(visit.photoIds).toEqual([blob.sha256])
  })

  it('turns a need into a 微心愿 linked to the visit and the household, with its reported event', async () => {
    await openForm()
    choose('不在家')
    type('诉求', '想要一台助行器')
    button('添加诉求').click()
    await settle()
    button('转为微心愿').click()
    await settle()
    button('保存走访').click()
    await until(async () => (await appDb().visits.count()) === 1)
    const [visit] = await appDb().visits.toArray()
    const [issue] = await appDb().issues.toArray()
    expect(issue).toMatchObject({ type: 'wish', category: 'micro_wish', source: 'visit', sourceId: visit.id, householdId: household.id, title: '想要一台助行器' })
    expect(await appDb().issueEvents.where('issueId').equals(issue.id).count()).toBe(1)
    expect(visit.needs).toBe('想要一台助行器')
  })
})
