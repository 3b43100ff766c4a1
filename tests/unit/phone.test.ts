import { describe, expect, it } from 'vitest'
import { isPhoneNumber, phoneProblem } from '../../src/domain/phone'

describe('phone numbers (one rule for the ledger and the console)', () => {
  it('takes mobiles, landlines with area code and local numbers, with separators', () => {
    for (const v of ['13800138000', '138 0013 8000', '0532-88886666', '053288886666', '010-1234567', '88886666', '1234567']) expect(isPhoneNumber(v), v).toBe(true)
  })

  it('refuses what is too short, too long or not digits', () => {
    for (const v of ['139', '12345', '138001380001', '23800138000', '0532-88', 'abc', '']) expect(isPhoneNumber(v), v).toBe(false)
  })

  it('says in words what is wrong, and nothing for a blank', () => {
    expect(phoneProblem('')).toBeNull()
    expect(phoneProblem('13800138000')).toBeNull()
    expect(phoneProblem('12345')).toBe('联系电话“12345”不是有效的号码（手机 11 位，座机带区号）')
  })
})
