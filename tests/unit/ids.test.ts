import { describe, expect, it } from 'vitest'
import { uuidv7, uuidv7Time, UUID_RE } from '@/domain/ids'

describe('uuidv7', () => {
  it('is a version-7 RFC 9562 UUID carrying its creation time', () => {
    const t = Date.UTC(2026, 10, 24, 8, 0, 0)
    const id = uuidv7(t)
    expect(id).toMatch(UUID_RE)
    expect(id[14]).toBe('7')
    expect('89ab').toContain(id[19])
    expect(uuidv7Time(id)).toBe(t)
  })

  it('sorts in creation order, also within one millisecond', () => {
    const t = 1_763_880_000_000
    const ids = Array.from({ length: 500 }, (_, i) => uuidv7(t + Math.floor(i / 100)))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
