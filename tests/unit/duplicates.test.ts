import { describe, expect, it } from 'vitest'
import { findDuplicates } from '@/domain/duplicates'
import type { Household, Member } from '@/domain/entities'

const B1 = '0190a5d4-3c1e-7a2b-8c3d-000000000001'
const B2 = '0190a5d4-3c1e-7a2b-8c3d-000000000002'
const member = (name: string, birthYear: number | null): Member => ({
  name, relation: '户主', gender: 'unknown', birthYear, idNumber: '', phone: '', tags: [],
})
const existing = (id: string, buildingId: string, unit: string, room: string, members: Member[], deleted = false) =>
  ({ id, buildingId, unit, room, members, deleted }) as Pick<Household, 'id' | 'buildingId' | 'unit' | 'room' | 'members' | 'deleted'>

const ledger = [
  existing('h1', B1, '2', '301', [member('张伟', 1950), member('李秀英', 1952)]),
  existing('h2', B2, '1', '101', [member('王芳', 1980)]),
  existing('h3', B1, '2', '302', [member('赵强', 1975)], true),
]

describe('duplicates caught at the door', () => {
  it('finds the same building, unit and room', () => {
    const found = findDuplicates({ buildingId: B1, unit: '2', room: '301', members: [member('陈明', 1990)] }, ledger)
    expect(found).toEqual([{ householdId: 'h1', reason: 'same_room' }])
  })

  it('reads 2单元 / 301室 as 2 / 301', () => {
    expect(findDuplicates({ buildingId: B1, unit: '2单元', room: '301室', members: [] }, ledger)).toHaveLength(1)
  })

  it('does not match another room, unit or building', () => {
    expect(findDuplicates({ buildingId: B1, unit: '2', room: '303', members: [] }, ledger)).toEqual([])
    expect(findDuplicates({ buildingId: B1, unit: '1', room: '301', members: [] }, ledger)).toEqual([])
    expect(findDuplicates({ buildingId: B2, unit: '2', room: '301', members: [] }, ledger)).toEqual([])
  })

  it('finds a member with the same name and birth year elsewhere', () => {
    const found = findDuplicates({ buildingId: B2, unit: '3', room: '501', members: [member('李秀英', 1952)] }, ledger)
    expect(found).toEqual([{ householdId: 'h1', reason: 'same_member', memberName: '李秀英', birthYear: 1952 }])
  })

  it('needs both name and birth year', () => {
    expect(findDuplicates({ buildingId: B2, unit: '3', room: '501', members: [member('李秀英', 1953)] }, ledger)).toEqual([])
    expect(findDuplicates({ buildingId: B2, unit: '3', room: '501', members: [member('李秀英', null)] }, ledger)).toEqual([])
  })

  it('ignores deleted records and the household being edited', () => {
    expect(findDuplicates({ buildingId: B1, unit: '2', room: '302', members: [] }, ledger)).toEqual([])
    expect(findDuplicates({ id: 'h1', buildingId: B1, unit: '2', room: '301', members: [] }, ledger)).toEqual([])
  })
})
