import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Hlc, formatHlc, parseHlc, isHlc, MAX_COUNTER } from '@/domain/hlc'

function fakeClock(start: number) {
  let t = start
  return { now: () => t, set: (v: number) => (t = v), tick: (d = 1) => (t += d) }
}

describe('Hlc', () => {
  it('formats stamps that sort as strings in time order', () => {
    expect(formatHlc({ wall: 1763880000000, counter: 0, node: 'd7f3a' })).toBe('001763880000000-00000-d7f3a')
    expect(parseHlc('001763880000000-00042-d7f3a')).toEqual({ wall: 1763880000000, counter: 42, node: 'd7f3a' })
    expect(isHlc('001763880000000-00042-d7f3a')).toBe(true)
    expect(isHlc('1763880000000-0-d')).toBe(false)
    expect(() => parseHlc('nope')).toThrow(/invalid HLC/)
  })

  it('rejects a device id the stamp format cannot carry', () => {
    expect(() => new Hlc('bad id!')).toThrow(/device id/)
    expect(() => new Hlc('x'.repeat(65))).toThrow(/device id/)
  })

  it('is strictly monotonic while the wall clock stands still', () => {
    const clock = fakeClock(1000)
    const hlc = new Hlc('a', clock.now)
    const a = hlc.now()
    const b = hlc.now()
    const c = hlc.now()
    expect(a < b && b < c).toBe(true)
    expect(parseHlc(c)).toEqual({ wall: 1000, counter: 2, node: 'a' })
  })

  it('follows the wall clock and resets the counter when it moves on', () => {
    const clock = fakeClock(1000)
    const hlc = new Hlc('a', clock.now)
    hlc.now()
    hlc.now()
    clock.set(2000)
    expect(parseHlc(hlc.now())).toEqual({ wall: 2000, counter: 0, node: 'a' })
  })

  it('survives a wall clock that goes backwards', () => {
    const clock = fakeClock(5000)
    const hlc = new Hlc('a', clock.now)
    const before = hlc.now()
    clock.set(1000)
    const after = hlc.now()
    expect(after > before).toBe(true)
    expect(parseHlc(after).wall).toBe(5000)
  })

  it('moves past a remote stamp from a device whose clock runs ahead', () => {
    const clock = fakeClock(1000)
    const hlc = new Hlc('a', clock.now)
    const remote = formatHlc({ wall: 9000, counter: 7, node: 'b' })
    hlc.receive(remote)
    const next = hlc.now()
    expect(next > remote).toBe(true)
    expect(parseHlc(next)).toEqual({ wall: 9000, counter: 9, node: 'a' })
  })

  it('ignores a remote stamp from the past except to keep order', () => {
    const clock = fakeClock(10_000)
    const hlc = new Hlc('a', clock.now)
    hlc.receive(formatHlc({ wall: 100, counter: 3, node: 'b' }))
    expect(parseHlc(hlc.now())).toEqual({ wall: 10_000, counter: 1, node: 'a' })
  })

  it('resumes after the last persisted stamp, so a restart never reuses one', () => {
    const clock = fakeClock(1000)
    const first = new Hlc('a', clock.now)
    first.now()
    const last = first.now()
    const restarted = new Hlc('a', clock.now, last)
    expect(restarted.now() > last).toBe(true)
  })

  it('carries into the wall part when the counter overflows', () => {
    const clock = fakeClock(1000)
    const hlc = new Hlc('a', clock.now, formatHlc({ wall: 1000, counter: MAX_COUNTER, node: 'a' }))
    const next = hlc.now()
    expect(parseHlc(next)).toEqual({ wall: 1001, counter: 0, node: 'a' })
  })

  it('every stamp sorts after all it has seen (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: -5000, max: 5000 }) }),
            fc.record({ kind: fc.constant('now' as const) }),
            fc.record({ kind: fc.constant('recv' as const), wall: fc.integer({ min: 0, max: 20_000 }), counter: fc.integer({ min: 0, max: 50 }) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const clock = fakeClock(10_000)
          const hlc = new Hlc('dev', clock.now)
          let seen = ''
          for (const op of ops) {
            if (op.kind === 'tick') clock.set(Math.max(0, clock.now() + op.dt))
            else if (op.kind === 'recv') {
              const remote = formatHlc({ wall: op.wall, counter: op.counter, node: 'zzz' })
              hlc.receive(remote)
              if (remote > seen) seen = remote
            } else {
              const stamp = hlc.now()
              expect(stamp > seen).toBe(true)
              seen = stamp
            }
          }
        },
      ),
    )
  })
})
