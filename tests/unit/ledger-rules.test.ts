/** The ledger import's checks of 性别 and 出生年份, alone and against the ID number's birth date. */
import { describe, expect, it } from 'vitest'
import { birthProblems, genderProblem, idBirthDate } from '../../server/ledger-io/columns'

const NOW = Date.UTC(2026, 11, 6)
const WOMAN_1949 = '11010519491231002X'

describe('ledger birth year and gender', () => {
  it('reads the birth date of an ID number, and refuses dates that do not exist', () => {
    expect(idBirthDate(WOMAN_1949)).toEqual({ year: 1949, month: 12, day: 31 })
    expect(idBirthDate('110105194902300021')).toBeNull()
  })

  it('a birth year is readable, not in the future, not before 1900, and agrees with the ID', () => {
    expect(birthProblems('1950-03', '', NOW)).toEqual([])
    expect(birthProblems('2090', '', NOW).map((p) => p.message)).toEqual(['出生年份“2090”不可能，应在 1900–2026 年之间'])
    expect(birthProblems('1850', '', NOW)).toHaveLength(1)
    expect(birthProblems('五十年代', '', NOW)[0]).toMatchObject({ field: 'birthYear', message: expect.stringContaining('看不懂') })
    expect(birthProblems('1949', WOMAN_1949, NOW)).toEqual([])
    expect(birthProblems('1950', WOMAN_1949, NOW)[0].message).toBe('出生年份“1950”与身份证号中的出生日期（1949年12月31日）不一致')
    // An ID "born" after today is no ID of a resident, with or without a 出生年份 beside it.
    expect(birthProblems('', '110105209001010011', NOW)[0].field).toBe('idNumber')
  })

  it('性别 is 男 or 女 and matches the ID number’s 17th digit', () => {
    expect(genderProblem('', WOMAN_1949)).toBeNull()
    expect(genderProblem('女', WOMAN_1949)).toBeNull()
    expect(genderProblem('男', WOMAN_1949)).toBe('性别“男”与身份证号不一致（身份证号为女性）')
    expect(genderProblem('M', '')).toBe('性别“M”看不懂，请写 男 或 女')
  })
})
