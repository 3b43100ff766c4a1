import { describe, expect, it } from 'vitest'
import { naturalCompare, naturalSort } from '@/domain/naturalOrder'

describe('natural order (naturalCompare)', () => {
  it('puts 5号楼 before 15号楼 and 2单元 before 10单元, as numbers read', () => {
    expect(['15号楼', '5号楼', '1号楼', '10号楼', '2号楼'].sort(naturalCompare)).toEqual(['1号楼', '2号楼', '5号楼', '10号楼', '15号楼'])
    expect(['5号楼10单元', '5号楼2单元', '15号楼1单元'].sort(naturalCompare)).toEqual(['5号楼2单元', '5号楼10单元', '15号楼1单元'])
    // Plain string order would get these wrong: that is what the rule is for.
    expect(['15号楼', '5号楼'].sort()).toEqual(['15号楼', '5号楼'])
  })

  it('orders compounds by pinyin and keeps the number order inside each', () => {
    const names = ['翠湖花园 15号楼', '阳光小区 3号楼', '翠湖花园 5号楼', '阳光小区 12号楼']
    expect([...names].sort(naturalCompare)).toEqual(['翠湖花园 5号楼', '翠湖花园 15号楼', '阳光小区 3号楼', '阳光小区 12号楼'])
  })

  it('treats equal names as equal and sorts objects by a key without changing the input', () => {
    expect(naturalCompare('3号楼', '3号楼')).toBe(0)
    const input = [{ n: '12号楼' }, { n: '3号楼' }]
    expect(naturalSort(input, (b) => b.n).map((b) => b.n)).toEqual(['3号楼', '12号楼'])
    expect(input[0].n).toBe('12号楼')
  })
})
