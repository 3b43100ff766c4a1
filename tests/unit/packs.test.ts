import 'fake-indexeddb/auto'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { FullGridDb } from '@/db'
import { BUCKETS, CHUNK_MAX, bucketOf, decodeRecords, fingerprintOf, fingerprinting, type PackChunk, type PackDirectory } from '@/db/packs'
import { uuidv7 } from '@/domain/ids'
import { household as makeHousehold } from '../factories'

const GRID = uuidv7()
const household = (over: Parameters<typeof makeHousehold>[1] = {}) => makeHousehold(GRID, over)

let db: FullGridDb
let n = 0
beforeEach(async () => {
  db = new FullGridDb(`packs-${n++}`)
  await db.open()
})
afterEach(async () => {
  db.close()
  await db.delete()
})

type H = ReturnType<typeof household>

/** Every id in exactly one chunk of its bucket, directories listing exactly what chunks hold. */
async function expectConsistent(): Promise<void> {
  const rows = await db.packs.toArray()
  const dirs = rows.filter((r): r is PackDirectory => 'chunks' in r)
  const chunks = new Map(rows.filter((r): r is PackChunk => 'z' in r).map((c) => [c.key, c]))
  const seen = new Set<string>()
  let listed = 0
  for (const d of dirs) {
    const bucket = Number(d.key.split('|')[2])
    for (const [seq, fps] of Object.entries(d.chunks)) {
      const chunk = chunks.get(`households|c|${String(bucket).padStart(2, '0')}|${String(seq).padStart(6, '0')}`)
      expect(chunk, `chunk ${seq} of bucket ${bucket}`).toBeDefined()
      const ids = decodeRecords(chunk!).map((r) => r.id)
      expect([...fps]).toEqual(ids.map(fingerprintOf))
      expect(ids.length).toBeGreaterThan(0)
      expect(ids.length).toBeLessThanOrEqual(CHUNK_MAX)
      expect(Number(seq)).toBeLessThan(d.next)
      for (const id of ids) {
        expect(bucketOf(id)).toBe(bucket)
        expect(seen.has(id), `${id} stored twice`).toBe(false)
        seen.add(id)
      }
      listed++
    }
  }
  expect(chunks.size, 'no chunk outside a directory').toBe(listed)
}

describe('packed households', () => {
  it('spreads ids over every bucket', () => {
    const counts = new Array(BUCKETS).fill(0)
    for (let i = 0; i < 20_000; i++) counts[bucketOf(uuidv7())]++
    expect(Math.min(...counts)).toBeGreaterThan(20_000 / BUCKETS / 2)
  })

  it('stores a first download of 20,000 in few values, each record once, and reads them back', async () => {
    const all: H[] = Array.from({ length: 20_000 }, (_, i) => household({ room: String(i) }))
    for (let i = 0; i < all.length; i += 4000) await db.households.bulkPut(all.slice(i, i + 4000))
    expect(await db.households.count()).toBe(20_000)
    expect(await db.packs.count()).toBeLessThan(20_000 / 50)
    const back = await db.households.toArray()
    expect(back.map((h) => h.id).sort()).toEqual(all.map((h) => h.id).sort())
    expect(await db.households.get(all[12_345].id)).toEqual(all[12_345])
    await expectConsistent()
  })

  it('an edit rewrites one chunk and leaves the directory as it was', async () => {
    const all = Array.from({ length: 500 }, () => household())
    await db.households.bulkPut(all)
    const dir = await db.packs.get(`households|d|${String(bucketOf(all[7].id)).padStart(2, '0')}`)
    const before = new Map((await db.packs.toArray()).map((r) => [r.key, JSON.stringify(r)]))
    await db.households.put({ ...all[7], phone: '13900000000' })
    const after = await db.packs.toArray()
    const rewritten = after.filter((r) => before.get(r.key) !== JSON.stringify(r)).map((r) => r.key)
    expect(rewritten).toHaveLength(1)
    expect(rewritten[0]).toMatch(/^households\|c\|/)
    expect(await db.packs.get(dir!.key)).toEqual(dir)
    expect((await db.households.get(all[7].id))?.phone).toBe('13900000000')
  })

  it('add refuses an id already stored; delete removes it and its empty chunk', async () => {
    const h = household()
    await db.households.add(h)
    await expect(db.households.add(h)).rejects.toThrow(/already exists/)
    await db.households.delete(h.id)
    expect(await db.households.get(h.id)).toBeUndefined()
    expect(await db.packs.count()).toBe(0)
  })

  it('an aborted transaction leaves the packs as they were', async () => {
    const h = household()
    await db.households.put(h)
    await expect(
      db.transaction('rw', db.packs, async () => {
        await db.households.put({ ...h, phone: '13900000000' })
        await db.households.put(household())
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await db.households.toArray()).toEqual([h])
  })

  // Any sequence of batched puts and deletes leaves what a plain map would hold, and a consistent layout;
  // also when fingerprints collide all the time (few values), which real ids almost never do.
  it.each([
    ['real fingerprints', null],
    ['colliding fingerprints', (id: string) => id.charCodeAt(id.length - 1) % 3],
  ] as const)('behaves as a map under any sequence of batched writes (%s)', async (_name, collide) => {
    const real = fingerprinting.of
    if (collide) fingerprinting.of = collide
    onTestFinished(() => void (fingerprinting.of = real))
    const pool = Array.from({ length: 300 }, () => uuidv7())
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), ids: fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 200 }), v: fc.nat(1000) }),
      fc.record({ kind: fc.constant('delete' as const), ids: fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 60 }), v: fc.constant(0) }),
    )
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        await db.packs.clear()
        const model = new Map<string, H>()
        for (const o of ops) {
          const ids = o.ids.map((i) => pool[i])
          if (o.kind === 'put') {
            const recs = ids.map((id, k) => household({ id, room: `${o.v}-${k}` }))
            await db.households.bulkPut(recs)
            for (const r of recs) model.set(r.id, r)
          } else {
            await db.households.bulkDelete(ids)
            for (const id of ids) model.delete(id)
          }
        }
        run++
        expect(await db.households.count()).toBe(model.size)
        const byId = (a: H, b: H) => (a.id < b.id ? -1 : 1)
        expect((await db.households.toArray()).sort(byId)).toEqual([...model.values()].sort(byId))
        const probe = pool.slice(0, 40)
        expect(await db.households.bulkGet(probe)).toEqual(probe.map((id) => model.get(id)))
        await expectConsistent()
      }),
      { numRuns: 40 },
    )
    expect(run).toBe(40)
  })
})
