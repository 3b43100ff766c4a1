// @vitest-environment happy-dom
/**
 * 台账导入's column mapping (issue 11): the mapping table shows each sheet column prefilled by
 * the server's recognition and reports a change; on the page a change runs the check again with
 * the mapping, the preview and the problem rows show, and 导入 sends the same mapping.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { appDb, setMeta } from '@/db'
import { i18n } from '@/app/i18n'
import LedgerMappingTable from '@/features/supervisor/LedgerMappingTable.vue'
import { chooseColumn, type SheetColumn } from '@/features/supervisor/supervisor.models'
import { button, callsTo, jsonResponse, mountApp, resetDb, session, stubFetch, unmountAll, until } from './helpers'

const supervisor = { ...session, user: { ...session.user, role: 'supervisor' as const, name: '张书记' } }
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'

const COLUMNS: SheetColumn[] = [
  { column: 1, letter: 'A', header: '小区', field: 'compound' },
  { column: 2, letter: 'B', header: '户主名字', field: null },
  { column: 3, letter: 'C', header: '手机', field: 'phone' },
]

describe('LedgerMappingTable', () => {
  afterEach(() => document.body.replaceChildren())

  it('prefills each column with the recognised field and reports the person’s choice', async () => {
    const wrapper = mount(LedgerMappingTable, { props: { columns: COLUMNS }, global: { plugins: [i18n] }, attachTo: document.body })
    const selects = wrapper.findAll('select')
    expect(selects.map((s) => (s.element as HTMLSelectElement).value)).toEqual(['compound', '', 'phone'])
    expect(wrapper.findAll('tbody tr').map((r) => r.findAll('td').slice(0, 2).map((d) => d.text()))).toEqual([['A', '小区'], ['B', '户主名字'], ['C', '手机']])
    const options = selects[1].findAll('option').map((o) => o.text())
    expect(options[0]).toBe('不导入')
    expect(options).toEqual(expect.arrayContaining(['小区', '楼栋', '单元', '房号', '户主', '联系电话']))
    // The selected option is the visible label, not the code.
    expect((selects[2].element as HTMLSelectElement).selectedOptions[0].textContent).toBe('联系电话')

    await selects[1].setValue('headName')
    await selects[2].setValue('')
    expect(wrapper.emitted('change')).toEqual([['B', 'headName'], ['C', null]])
    wrapper.unmount()
  })

  it('a field chosen for one column leaves the column that had it', () => {
    expect(chooseColumn({ B: 'headName', C: null }, 'D', 'headName')).toEqual({ B: null, C: null, D: 'headName' })
    expect(chooseColumn({ B: 'headName' }, 'B', null)).toEqual({ B: null })
    expect(chooseColumn({ B: null }, 'C', 'phone')).toEqual({ B: null, C: 'phone' })
  })
})

describe('台账 page with the column mapping', () => {
  beforeEach(async () => {
    await resetDb()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    unmountAll()
  })

  /** A server that reads the mapping it is sent: 户主名字 counts only once it is mapped. */
  function fakeServer() {
    return stubFetch(async (url, init) => {
      if (url === '/api/supervisor/overview') return jsonResponse({ grids: [{ id: G1, name: '第一网格', level: 'grid', parentId: null, code: 'G1', boundary: null }], workers: [], now: Date.now() })
      if (url.startsWith('/api/audit')) return jsonResponse({ entries: [] })
      if (url.startsWith('/api/import/households')) {
        const mapping = JSON.parse(String((init!.body as FormData).get('mapping'))) as Record<string, string | null>
        const head = mapping.B === 'headName'
        return jsonResponse({
          imported: head ? 1 : 0, skipped: 0, buildingsCreated: 0, dryRun: url.includes('dryRun=1'), columns: [], ignoredColumns: [],
          sheetColumns: COLUMNS.map((c) => (c.letter in mapping ? { ...c, field: mapping[c.letter] } : c)),
          preview: [{ row: 3, status: head ? 'ok' : 'error', values: { compound: '阳光花园', ...(head ? { headName: '张三' } : {}), phone: '13800138000' } }],
          errors: head ? [] : [{ row: 3, column: '户主', message: '户主为空' }],
        })
      }
      throw new TypeError('Failed to fetch')
    })
  }

  it('check shows mapping, preview and row problems; a change checks again; 导入 sends the same mapping', async () => {
    await setMeta(appDb(), 'session', supervisor)
    const fetch = fakeServer()
    const { wrapper } = await mountApp('/console/ledger')
    await until(() => document.querySelectorAll('option').length > 1)
    const grid = document.querySelector<HTMLSelectElement>('select[aria-label="导入到网格"]')!
    grid.value = G1
    grid.dispatchEvent(new Event('change'))
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'ledger.xlsx')] })
    input.dispatchEvent(new Event('change'))
    await until(() => !button('预检（不保存）').disabled)
    button('预检（不保存）').click()
    await until(() => wrapper.text().includes('列对应'))

    const sent = () => callsTo(fetch, '/api/import/households').map(([url, init]) => [url.includes('dryRun=1'), JSON.parse(String((init!.body as FormData).get('mapping')))])
    expect(sent()).toEqual([[true, {}]])
    const preview = () => [...document.querySelectorAll('.ledger-preview tbody td')].map((td) => td.textContent)
    expect(preview()).toEqual(['3', '阳光花园', '13800138000', '有问题'])
    expect(wrapper.text()).toContain('户主为空')

    const headSelect = document.querySelector<HTMLSelectElement>('select[aria-label="导入为 B 户主名字"]')!
    headSelect.value = 'headName'
    headSelect.dispatchEvent(new Event('change'))
    await until(() => preview().includes('张三'))
    expect(sent()).toEqual([[true, {}], [true, { B: 'headName' }]])
    expect(preview()).toEqual(['3', '阳光花园', '张三', '13800138000', '可导入'])
    expect(wrapper.text()).not.toContain('户主为空')
    expect(document.querySelector<HTMLSelectElement>('select[aria-label="导入为 B 户主名字"]')!.value).toBe('headName')

    button('导入').click()
    // 导入 asks first; the dialog's own 导入 confirms
    await until(() => !!document.querySelector('.van-dialog__confirm'))
    document.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click()
    await until(() => sent().length === 3)
    expect(sent()[2]).toEqual([false, { B: 'headName' }])
  })
})
