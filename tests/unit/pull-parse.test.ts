import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePullResponse, pullResponseSchema } from '@/domain/sync'
import { uuidv7 } from '@/domain/ids'

const id = uuidv7()
const good = { entity: 'households', id, hlc: '001763880000000-00000-dev1', deleted: false, data: { id, headName: '王' } }
const removal = { entity: 'issues', id, removed: true }

// Values a broken or hostile server could put in each place.
const anyValue = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 5 }),
  fc.constant('visits'), fc.constant('nope'), fc.constant(id), fc.constant('001763880000000-00000-dev1'), fc.constant('1-2-x'),
  fc.constant([]), fc.constant({}), fc.constant({ id }),
)
const change = fc.oneof(
  fc.constant(good), fc.constant(removal),
  fc.record({ key: fc.constantFrom('entity', 'id', 'hlc', 'deleted', 'data', 'removed', 'extra'), value: anyValue, base: fc.constantFrom(good, removal) })
    .map(({ key, value, base }) => ({ ...base, [key]: value })),
  anyValue,
)
const answer = fc.record({
  changes: fc.oneof(fc.array(change, { maxLength: 5 }), anyValue),
  cursor: fc.oneof(fc.constant('c1'), anyValue),
  hasMore: fc.oneof(fc.boolean(), anyValue),
  remaining: fc.oneof(fc.constant(undefined), fc.nat(10), anyValue),
}, { requiredKeys: [] })

describe('parsePullResponse', () => {
  it('accepts a good page without copying it', () => {
    const raw = { changes: [good, removal], cursor: 'c', hasMore: false, remaining: 0 }
    const r = parsePullResponse(raw)
    expect(r.success).toBe(true)
    expect(r.data).toBe(raw)
  })

  it('gives the schema verdict and meaning for any answer', () => {
    fc.assert(
      fc.property(answer, (raw) => {
        const fast = parsePullResponse(raw)
        const zod = pullResponseSchema.safeParse(raw)
        expect(fast.success).toBe(zod.success)
        if (fast.success && zod.success) {
          // The same changes, each read the same way (a removal or a record with the same data).
          expect(fast.data.changes.length).toBe(zod.data.changes.length)
          fast.data.changes.forEach((c, i) => {
            const z = zod.data.changes[i] as Record<string, unknown>
            expect('removed' in c && c.removed === true).toBe('removed' in z && z.removed === true)
            if (!('removed' in z)) expect((c as Record<string, unknown>).data).toEqual(z.data)
          })
        }
      }),
      { numRuns: 3000 },
    )
  })
})
