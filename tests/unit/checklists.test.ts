import { describe, expect, it } from 'vitest'
import {
  CHECKLIST_HISTORY_MAX,
  answerLines,
  canEditChecklist,
  checklistProblems,
  checklistProblemText,
  checklistVisible,
  itemsForVersion,
  newChecklist,
  pickChecklist,
  publishChecklist,
  type ChecklistDraft,
} from '@/domain/checklists'
import { safeParseRecord, type Checklist, type ChecklistItem } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { stamp } from '../factories'

const item = (id: string, label: string, over: Partial<ChecklistItem> = {}): ChecklistItem => ({ id, label, category: '安全', required: true, kind: 'yesno', ...over })
const c1 = uuidv7()
const c2 = uuidv7()

function v1(over: Partial<Parameters<typeof newChecklist>[0]> = {}): Checklist {
  return newChecklist({ id: uuidv7(), hlc: stamp(1000, 'server'), kind: 'visit', communityId: c1, name: ' 入户走访 ', items: [item('a', '住址清'), item('b', '联系方式清')], ...over })
}

describe('checklist validation', () => {
  it('accepts a good draft', () => {
    expect(checklistProblems({ name: '入户走访', items: [item('a', '住址'), item('c', '类型', { kind: 'choice', options: ['甲', '乙'] })] })).toEqual([])
  })

  it('names each problem with its item', () => {
    const draft: ChecklistDraft = {
      name: ' ',
      items: [
        item('a', '住址'),
        item('a', '电话'),
        item('b', '住址'),
        item('c', ' '),
        item('d', '类型', { kind: 'choice', options: ['甲'] }),
        item('e', '选项重', { kind: 'choice', options: ['甲', '甲 '] }),
        item('f', '文字', { kind: 'text', options: ['x'] }),
        item('g h', '编号坏'),
      ],
    }
    expect(checklistProblems(draft)).toEqual([
      { code: 'name_empty' },
      { code: 'item_id_duplicate', item: 1 },
      { code: 'label_duplicate', item: 2 },
      { code: 'label_empty', item: 3 },
      { code: 'choice_options_few', item: 4 },
      { code: 'option_duplicate', item: 5 },
      { code: 'options_not_choice', item: 6 },
      { code: 'item_id_invalid', item: 7 },
    ])
    expect(checklistProblems({ name: 'x', items: [] })).toEqual([{ code: 'no_items' }])
  })

  it('reads in Chinese and English', () => {
    expect(checklistProblemText({ code: 'choice_options_few', item: 4 })).toBe('第 5 项：单选题至少要有两个选项')
    expect(checklistProblemText({ code: 'no_items' }, 'en')).toBe('A checklist needs at least one item')
  })
})

describe('publishing', () => {
  it('creates version 1 trimmed, valid for the schema', () => {
    const c = v1()
    expect(c).toMatchObject({ version: 1, name: '入户走访', communityId: c1, history: [] })
    expect(safeParseRecord('checklists', c).ok).toBe(true)
  })

  it('makes version + 1 and keeps the replaced version for old records', () => {
    const c = v1()
    const next = publishChecklist(c, { name: '入户走访（五清）', items: [item('a', '住址与台账一致'), item('n', '诉求')] }, stamp(2000, 'server'))
    expect(next).toMatchObject({ id: c.id, version: 2, name: '入户走访（五清）', communityId: c1, kind: 'visit', hlc: stamp(2000, 'server') })
    expect(next.history).toEqual([{ version: 1, name: '入户走访', items: c.items }])
    expect(safeParseRecord('checklists', next).ok).toBe(true)
    expect(itemsForVersion(next, 1).map((i) => i.label)).toEqual(['住址清', '联系方式清'])
    expect(itemsForVersion(next, 2).map((i) => i.label)).toEqual(['住址与台账一致', '诉求'])
    expect(itemsForVersion(next, null)).toBe(next.items)
  })

  it('keeps at most CHECKLIST_HISTORY_MAX versions, newest first; older ones fall back to the current items', () => {
    let c = v1()
    for (let v = 2; v <= CHECKLIST_HISTORY_MAX + 3; v++) c = publishChecklist(c, { name: 'x', items: [item('a', `第${v}版`)] }, stamp(v * 1000, 'server'))
    expect(c.version).toBe(CHECKLIST_HISTORY_MAX + 3)
    expect(c.history).toHaveLength(CHECKLIST_HISTORY_MAX)
    expect(c.history![0].version).toBe(CHECKLIST_HISTORY_MAX + 2)
    expect(safeParseRecord('checklists', c).ok).toBe(true)
    expect(itemsForVersion(c, 3)[0].label).toBe('第3版')
    expect(itemsForVersion(c, 1)).toBe(c.items)
  })

  it('a record without history (older data) still answers itemsForVersion', () => {
    const { history: _, ...old } = v1()
    expect(safeParseRecord('checklists', { ...old, communityId: undefined }).ok).toBe(true)
    expect(itemsForVersion(old, 7)).toBe(old.items)
  })
})

describe('who sees and edits', () => {
  const sup = { role: 'supervisor' as const, all: false, communityIds: new Set([c1]) }
  const worker = { role: 'worker' as const, all: false, communityIds: new Set([c1]) }
  const admin = { role: 'admin' as const, all: true, communityIds: new Set<string>() }

  it('the shared set is seen by all, a community set by its people', () => {
    expect(checklistVisible(worker, null)).toBe(true)
    expect(checklistVisible(worker, c1.toUpperCase())).toBe(true)
    expect(checklistVisible(worker, c2)).toBe(false)
    expect(checklistVisible(admin, c2)).toBe(true)
  })

  it('admin edits anything, a supervisor only their community, a worker nothing', () => {
    expect(canEditChecklist(admin, null)).toBe(true)
    expect(canEditChecklist(admin, c2)).toBe(true)
    expect(canEditChecklist(sup, c1)).toBe(true)
    expect(canEditChecklist(sup, c2)).toBe(false)
    expect(canEditChecklist(sup, null)).toBe(false)
    expect(canEditChecklist(worker, c1)).toBe(false)
  })
})

describe('the phone picks its checklist', () => {
  it('its community first, else the shared one, never another community', () => {
    const shared = v1({ communityId: null, hlc: stamp(500, 'server') })
    const mine = v1({ hlc: stamp(400, 'server') })
    const theirs = v1({ communityId: c2, hlc: stamp(900, 'server') })
    const patrol = v1({ kind: 'patrol', hlc: stamp(999, 'server') })
    expect(pickChecklist([shared, mine, theirs, patrol], 'visit', new Set([c1]))).toBe(mine)
    expect(pickChecklist([shared, theirs], 'visit', new Set([c1]))).toBe(shared)
    expect(pickChecklist([shared, { ...mine, deleted: true }], 'visit', new Set([c1]))).toBe(shared)
    expect(pickChecklist([theirs], 'visit', new Set([c1]))).toBeNull()
  })
})

describe('answers as lines', () => {
  it('a visit of version 1 reads with the labels of version 1 after version 2 renamed and removed items', () => {
    const c = v1()
    const next = publishChecklist(c, { name: 'x', items: [item('b', '电话已核实'), item('n', '诉求')] }, stamp(2000, 'server'))
    const answers = { a: true, b: false, stray: '无此项', n: null }
    expect(answerLines(itemsForVersion(next, 1), answers).map((l) => [l.label, l.value])).toEqual([['住址清', true], ['联系方式清', false]])
    expect(answerLines(itemsForVersion(next, 2), answers).map((l) => [l.label, l.value])).toEqual([['电话已核实', false]])
  })
})
