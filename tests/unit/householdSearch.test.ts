import { describe, expect, it } from 'vitest'
import { SCORES, buildSearchIndex, namePinyin, parseAddressQuery, searchHouseholds, type SearchInput } from '@/domain/householdSearch'
import type { Member } from '@/domain/entities'

const member = (name: string, phone = ''): Member => ({
  name, relation: '', gender: 'unknown', birthYear: 1950, idNumber: '', phone, tags: [],
})
function h(id: string, headName: string, building: string, unit: string, room: string, phone: string, others: Member[] = []): SearchInput {
  return {
    household: {
      id, headName, unit, room, phone,
      address: `莱西市 海棠苑 ${building}${unit}单元${room}室`,
      members: [member(headName), ...others],
    },
    building: { compound: '海棠苑', name: building },
  }
}

const inputs = [
  h('zhangwei', '张伟', '3号楼', '2', '301', '17012345678'),
  h('zhangwen', '张文', '3号楼', '2', '302', '17087654321'),
  h('wangfang', '王芳', '5号楼', '1', '301', '17011112222', [member('张伟华', '17099998888')]),
  h('zengli', '曾丽', '12号楼', '3', '1101', '17033334444'),
  h('liuzw', '刘志伟', '7号楼', '1', '201', '17055556666'),
]
const index = buildSearchIndex(inputs)
const ids = (q: string) => searchHouseholds(index, q).map((r) => r.id)

describe('pinyin', () => {
  it('gives full pinyin and initials, surnames read as surnames', () => {
    expect(namePinyin('张伟')).toEqual({ full: 'zhangwei', initials: 'zw' })
    expect(namePinyin('曾丽')).toEqual({ full: 'zengli', initials: 'zl' })
  })
})

describe('searchHouseholds', () => {
  it('finds by Chinese name, the exact name first', () => {
    expect(ids('张伟')).toEqual(['zhangwei', 'wangfang'])
    expect(ids('张')).toEqual(['zhangwei', 'zhangwen', 'wangfang'])
  })

  it('finds by full pinyin and by initials, whole matches before prefixes', () => {
    expect(ids('zhangwei')[0]).toBe('zhangwei')
    expect(ids('zhangwei')).toContain('wangfang') // member 张伟华: zhangweihua starts with it
    expect(ids('zw')[0]).toBe('zhangwei')
    expect(ids('zw')).toEqual(expect.arrayContaining(['zhangwei', 'zhangwen', 'wangfang']))
    expect(ids('zw')).not.toContain('liuzw')
    expect(ids('lzw')).toEqual(['liuzw'])
    expect(ids('ZL')).toEqual(['zengli'])
    expect(ids('zhang wei')[0]).toBe('zhangwei')
  })

  it('finds a household by a member’s name, after households headed by that name', () => {
    const hits = searchHouseholds(index, '张伟华')
    expect(hits.map((r) => r.id)).toEqual(['wangfang'])
    expect(ids('zwh')).toEqual(['wangfang'])
    const zw = searchHouseholds(index, 'zw')
    expect(zw.find((r) => r.id === 'zhangwei')!.score).toBeGreaterThan(zw.find((r) => r.id === 'wangfang')!.score)
  })

  it('finds address fragments', () => {
    expect(ids('3号楼2单元')).toEqual(['zhangwei', 'zhangwen'])
    expect(ids('3号楼2单元301')).toEqual(['zhangwei'])
    expect(ids('3号楼2单元301室')).toEqual(['zhangwei'])
    expect(ids('3-2-301')).toEqual(['zhangwei'])
    expect(ids('3-2')).toEqual(['zhangwei', 'zhangwen'])
    expect(ids('12-3-1101')).toEqual(['zengli'])
    expect(ids('海棠苑3号楼')).toEqual(['zhangwei', 'zhangwen'])
    expect(ids('301')).toEqual(['zhangwei', 'wangfang'])
  })

  it('finds the last digits of a phone, members’ phones too', () => {
    expect(ids('5678')).toEqual(['zhangwei'])
    expect(ids('8888')).toEqual(['wangfang'])
    expect(ids('17012345678')).toEqual(['zhangwei'])
    expect(ids('1234')).toEqual([]) // inside, not at the end
  })

  it('ranks a room over a short phone tail and a long tail above a room', () => {
    const hits = searchHouseholds(index, '201')
    expect(hits[0]).toEqual({ id: 'liuzw', score: SCORES.room })
  })

  it('finds nothing for an empty query or a stranger', () => {
    expect(ids('  ')).toEqual([])
    expect(ids('欧阳')).toEqual([])
    expect(ids('xyz')).toEqual([])
  })

  it('parses address queries', () => {
    expect(parseAddressQuery('3-2-301')).toEqual({ compound: '', building: '3', unit: '2', room: '301' })
    expect(parseAddressQuery('海棠苑3号楼')).toEqual({ compound: '海棠苑', building: '3', unit: '', room: '' })
    expect(parseAddressQuery('张伟')).toBeNull()
  })
})

describe('searchHouseholds, each household once', () => {
  it('lists a household once even when several of its keys match', () => {
    const twoPhones = buildSearchIndex([h('both', '陈明', '9号楼', '1', '101', '17000005678', [member('陈亮', '17100005678')])])
    expect(searchHouseholds(twoPhones, '5678')).toEqual([{ id: 'both', score: SCORES.phoneTail }])
    expect(searchHouseholds(twoPhones, 'chen')).toHaveLength(1)
    expect(searchHouseholds(twoPhones, 'c')).toHaveLength(1)
  })
})
