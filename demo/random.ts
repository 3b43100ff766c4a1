/**
 * Seeded randomness and ids for the demo generator. Everything here is a pure function of the
 * seed, so the same options always give byte-identical demo data (tests, benchmarks and two
 * servers seeding the same community must agree on every id).
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** 32 random bits as an unsigned integer. */
  bits32(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T
}

/** mulberry32: tiny, fast and good enough for synthetic data (not for secrets). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const bits32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  const next = (): number => bits32() / 4294967296
  return {
    next,
    bits32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const cumulative = cumulativeWeights(items)
      const r = next() * cumulative[cumulative.length - 1]
      // Binary search: the surname table alone is drawn ~100,000 times for a street office.
      let lo = 0
      let hi = cumulative.length - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (cumulative[mid] > r) hi = mid
        else lo = mid + 1
      }
      return items[lo][0]
    },
  }
}

const cumulativeCache = new WeakMap<object, number[]>()

/** Running sums of the weights, computed once per (constant) table. */
function cumulativeWeights(items: readonly (readonly [unknown, number])[]): number[] {
  let sums = cumulativeCache.get(items)
  if (!sums) {
    let total = 0
    sums = items.map(([, w]) => (total += w))
    cumulativeCache.set(items, sums)
  }
  return sums
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0')

/** A 26-bit sequence is embedded in every id: 67 million ids per community is far beyond need. */
const MAX_SEQUENCE = 2 ** 26

/**
 * Deterministic UUIDv7 factory. Layout (RFC 9562): 48-bit ms timestamp, version 7, then a
 * per-generation sequence in rand_a and the top 14 bits of rand_b, then 48 seeded random bits.
 * The sequence makes ids unique without relying on the PRNG never repeating, and makes ids born
 * in the same millisecond sort in the order they were generated, like uuidv7() does.
 */
export function createIdFactory(rng: Rng): (ms: number) => string {
  let seq = 0
  let lastMs = -1
  let time = ''
  return (ms) => {
    if (seq >= MAX_SEQUENCE) throw new Error('demo id sequence exhausted')
    const s = seq++
    // Most records of a community are born in the same millisecond: format it once.
    if (ms !== lastMs) {
      lastMs = ms
      time = hex(Math.floor(ms), 12)
    }
    const randA = hex((s >>> 14) & 0xfff, 3)
    const randB = hex(0x8000 | (s & 0x3fff), 4)
    const tail = hex(rng.bits32(), 8) + hex(rng.bits32() & 0xffff, 4)
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randA}-${randB}-${tail}`
  }
}
