/** 导出与导入记录 in words: who, what, which file, how many rows — never the raw detail. */
import { describe, expect, it } from 'vitest'
import { auditRow } from '@/features/supervisor/ledgerIo.models'
import { i18n } from '@/app/i18n'

const { t, te } = i18n.global as unknown as { t: (k: string, n?: Record<string, unknown>) => string; te: (k: string) => boolean }
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
const gridName = (id: string) => (id === G1 ? '第一网格' : '')
const entry = (action: string, detail: Record<string, unknown>, userName: string | null = '张书记') => ({ id: 1, at: 0, userId: 'u', userName, action, detail })

describe('audit entries in words', () => {
  it('an import: grid, file and the counts', () => {
    const row = auditRow(entry('import_households', { gridId: G1, file: '台账.xlsx', imported: 12, skipped: 2, errors: 3, buildingsCreated: 1 }), gridName, { t, te })
    expect(row).toEqual({ who: '张书记', what: '导入台账（第一网格）', file: '台账.xlsx', rows: '导入 12 户，跳过重复 2 户，新建楼栋 1 栋，有问题 3 行' })
  })

  it('an export of all grids, masked; a removed user and an unknown action show no id or code', () => {
    const row = auditRow(entry('export_households', { gridId: null, rows: 40, masked: true }, null), gridName, { t, te })
    expect(row).toEqual({ who: '已停用的账号', what: '导出台账（全部网格，已脱敏）', file: '居民信息台账.xlsx', rows: '导出 40 户' })
    const other = auditRow(entry('reset_password', { userId: G1 }), gridName, { t, te })
    expect(Object.values(other).join(' ')).not.toMatch(/reset_password|0190a5d4|[{}]/)
  })

  it('administration entries read in words: what, on which grid or person, what changed, how many', () => {
    const handover = auditRow(entry('admin.grid.handover', { gridId: G1, grid: '第一网格', from: ['王芳'], to: '李强', households: 30, buildings: 4, openIssues: 2 }), gridName, { t, te })
    expect(handover).toEqual({ who: '张书记', what: '网格交接（第一网格，王芳 → 李强）', file: '', rows: '30 户，4 栋楼，未办结事件 2 件' })
    const imported = auditRow(entry('admin.boundaries.import', { communityId: G1, community: '新华社区', file: 'grids.geojson', created: 2, updated: 0 }), gridName, { t, te })
    expect(imported).toEqual({ who: '张书记', what: '导入网格边界（新华社区）', file: 'grids.geojson', rows: '新建 2 个' })
    const person = auditRow(entry('admin.person.update', { userId: G1, name: '王芳', changes: ['停用账号，所有设备已退出'] }), gridName, { t, te })
    expect(person.what).toBe('修改人员（王芳，停用账号，所有设备已退出）')
    expect(Object.values(person).join(' ')).not.toMatch(/0190a5d4|admin\.|[{}]/)
  })
})
