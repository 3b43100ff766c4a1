/**
 * Issue 18 "handover" (DESIGN §8.8, server/sync/leftGrids.ts): a grid changes hands while both
 * phones hold edits they have not sent. What the leaving worker recorded while the grid was theirs
 * (stamped before the 交接, within §4's clock bound) still applies — the visit is accepted, a
 * household edit merges by LWW with what the new worker wrote; what they did after is refused
 * `handed_over`, naming who has the grid, and waits in 需处理. The same holds for a grid taken off
 * a worker in 人员 (`grid_removed`). After both push and pull, the server and both phones agree and
 * nothing is silently lost. PGlite and PostgreSQL.
 *
 * The server's clock is set back an hour for the administrative change (the app's `now`), so
 * "before" and "after" are far apart for the phones' stamps, which are checked against real time.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import type { Mutation, PushResult } from '../../src/domain/sync'
import { describeRejection } from '../../src/domain/rejections'
import { createTestGrid, injectJson, login, testDatabases, useTestApp, type LoggedIn } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'
import { create, household, pullAll, push, testClock, update, visit } from './syncFixtures'

const HOUR = 3_600_000
type Data = Record<string, unknown>
const live = (changes: { entity: string; id: string }[], entity: string) =>
  new Map(changes.filter((c) => c.entity === entity && !('removed' in c)).map((c) => [c.id, (c as unknown as { data: Data }).data]))

describe.each(testDatabases())('handover with edits pending on both phones on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  let shift = 0
  useTestApp(
    tdb,
    async (d, a) => {
      db = d
      app = a
      t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
    },
    { app: { now: () => Date.now() + shift } },
  )

  /** An administrative change made an hour ago by the server's clock. */
  async function anHourAgo<T>(f: () => Promise<T>): Promise<T> {
    shift = -HOUR
    try {
      return await f()
    } finally {
      shift = 0
    }
  }
  const handOver = (gridId: string, toUserId: string) =>
    anHourAgo(() => injectJson(app, { method: 'POST', url: `/api/admin/grids/${gridId}/handover`, headers: t.as.sup1.headers, payload: { toUserId } }))
  const supPush = (ms: Mutation[]) => push(app, t.as.sup1, ms, 'dev-sup1')
  const statuses = (rs: PushResult[]) => rs.map((r) => (r.status === 'rejected' ? `${r.status}:${r.code}` : r.status))

  it('accepts what was recorded before the handover, refuses what came after with who has the grid, and converges', async () => {
    // The households are older than every phone's edit (else their create's stamps win every field).
    const sup = testClock('dev-sup1', Date.now() - 3 * HOUR)
    const h1 = household(t.gridA.id, { headName: '周建国' })
    const h2 = household(t.gridA.id, { headName: '吴秀英', room: '102' })
    const h3 = household(t.microA1.id, { headName: '陈桂兰', room: '201' })
    const hb = household(t.gridB.id, { headName: '郑强' })
    expect(statuses(await supPush([h1, h2, h3, hb].map((h) => create('households', h, sup()))))).toEqual(['applied', 'applied', 'applied', 'applied'])
    const a0 = await pullAll(app, t.as.wa)
    expect(live(a0.changes, 'households').size).toBe(3)

    // Offline before the handover (stamped two hours ago, an hour before it), wa visits h1, notes
    // h1's needs and edits h3 in the micro-grid; after it (now) wa visits h2 and edits h2's phone.
    const before = testClock('dev-wa', Date.now() - 2 * HOUR)
    const after = testClock('dev-wa')
    const vBefore = visit(h1, t.users.wa.id, { endedAt: Date.now() - 2 * HOUR })
    const vAfter = visit(h2, t.users.wa.id)
    const waPending = [
      create('visits', vBefore, before()),
      update('households', h1.id, { needs: '需要助餐', notes: '女儿每周来' }, before()),
      update('households', h3.id, { phone: '13900000003' }, before()),
      create('visits', vAfter, after()),
      update('households', h2.id, { phone: '13900000002' }, after()),
    ]
    // wb, of grid B, has an edit of its own grid waiting.
    const wbClock = testClock('dev-wb')
    const wbPending = [update('households', hb.id, { phone: '13900000001' }, wbClock())]

    const handed = await handOver(t.gridA.id, t.users.wb.id)
    expect(handed.status).toBe(200)
    // The console says what moved: the grid with its micro-grid.
    expect(handed.body).toMatchObject({ from: [{ name: 'wa' }], to: { name: 'wb' }, households: 3, buildings: 0, openIssues: 0 })

    // Their sessions carry the old grids; the server judges by the users' records as they are now.
    const wa = await login(app, 'wa', t.users.wa.password, 'dev-wa')
    const wb = await login(app, 'wb', t.users.wb.password, 'dev-wb')
    expect(wa.user.gridIds).toEqual([])
    // The new worker edits h1 first (after the handover): it wins over wa's older note of needs.
    expect(statuses(await push(app, wb, [...wbPending, update('households', h1.id, { needs: '已安排助餐' }, wbClock())], 'dev-wb'))).toEqual(['applied', 'applied'])
    const waResults = await push(app, wa, waPending, 'dev-wa')
    expect(statuses(waResults)).toEqual(['applied', 'applied', 'applied', 'rejected:handed_over', 'rejected:handed_over'])
    // The reason the phone shows in 需处理 names the grid and who has it now.
    expect(describeRejection(waResults[3])).toBe('网格“第一网格”已交接给 wb，这项修改是交接之后做的，没有保存（可请 wb 处理）')
    expect(waResults[4].params).toMatchObject({ grid: '第一网格', to: 'wb' })
    const stored = async (id: string) => (await db.query(`SELECT 1 FROM records WHERE entity = 'visits' AND id = $1`, [id])).rows.length
    expect([await stored(vBefore.id), await stored(vAfter.id)]).toEqual([1, 0])

    // The leaving phone loses the grid's households; its own visit stays with it (what they wrote).
    const a1 = await pullAll(app, wa, a0.cursor)
    expect(a1.changes).toEqual(expect.arrayContaining([h1, h2, h3].map((h) => ({ entity: 'households', id: h.id, removed: true }))))
    expect(live(a1.changes, 'visits').has(vBefore.id)).toBe(true)
    // The new phone and the supervisor hold the same households, with every accepted edit merged.
    const b = await pullAll(app, wb)
    const s = await pullAll(app, t.as.sup1)
    const held = live(b.changes, 'households')
    expect([...held.keys()].sort()).toEqual([h1.id, h2.id, h3.id, hb.id].sort())
    expect(held.get(h1.id)).toMatchObject({ needs: '已安排助餐', notes: '女儿每周来', headName: '周建国' })
    expect(held.get(h2.id)).toMatchObject({ phone: '13800000000' })
    expect(held.get(h3.id)).toMatchObject({ phone: '13900000003' })
    expect(held.get(hb.id)).toMatchObject({ phone: '13900000001' })
    const supHeld = live(s.changes, 'households')
    for (const [id, data] of held) expect(supHeld.get(id)).toEqual(data)
    expect(live(b.changes, 'visits').has(vBefore.id)).toBe(true)

    // The new worker takes the refused edit over from 需处理: it applies on the first try.
    expect(statuses(await push(app, wb, [update('households', h2.id, { phone: '13900000002' }, wbClock())], 'dev-wb'))).toEqual(['applied'])
  })

  it('a grid taken off a worker in 人员 is judged the same way: before applies, after is refused', async () => {
    const sup = testClock('dev-sup1', Date.now() - 3 * HOUR)
    const h = household(t.gridA.id)
    expect(statuses(await supPush([create('households', h, sup())]))).toEqual(['applied'])
    const before = testClock('dev-wa', Date.now() - 2 * HOUR)
    const pending = [update('households', h.id, { notes: '之前记的' }, before()), create('visits', visit(h, t.users.wa.id), before())]
    const moved = await anHourAgo(() =>
      injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup1.headers, payload: { gridIds: [t.gridB.id] } }),
    )
    expect(moved.status).toBe(200)
    const wa = await login(app, 'wa', t.users.wa.password, 'dev-wa')
    const late = [update('households', h.id, { needs: '之后记的' }, testClock('dev-wa')())]
    const results = await push(app, wa, [...pending, ...late], 'dev-wa')
    expect(statuses(results)).toEqual(['applied', 'applied', 'rejected:grid_removed'])
    expect(describeRejection(results[2])).toBe('网格“第一网格”已不再由您负责，这项修改是调整之后做的，没有保存')
    const s = await pullAll(app, t.as.sup1)
    expect(live(s.changes, 'households').get(h.id)).toMatchObject({ notes: '之前记的', needs: '' })
  })

  it('a grid the worker never had is still plain out_of_scope', async () => {
    const h = household(t.gridB.id)
    expect(statuses(await supPush([create('households', h, testClock('dev-sup1')())]))).toEqual(['applied'])
    const old = testClock('dev-wa', Date.now() - 2 * HOUR)
    expect(statuses(await push(app, t.as.wa, [update('households', h.id, { notes: 'x' }, old())], 'dev-wa'))).toEqual(['rejected:out_of_scope'])
  })

  it('property: any edits on both phones, pushed in any order around a handover, converge with nothing lost', { timeout: 240_000 }, async () => {
    const FIELDS = ['needs', 'notes', 'phone'] as const
    const edit = fc.record({
      who: fc.constantFrom('wa-before', 'wa-after', 'wb'),
      house: fc.integer({ min: 0, max: 2 }),
      field: fc.constantFrom(...FIELDS),
      value: fc.constantFrom('甲', '乙', '丙', '13900000009'),
    })
    let round = 0
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (edits, order) => {
        round++
        // A fresh grid for wa, given an hour and a half ago by the server's clock, then handed to wb.
        const grid = await createTestGrid(db, { communityId: t.c1.id, parentId: t.c1.id, name: `交接网格${round}`, code: `P-${round}` })
        shift = -1.5 * HOUR
        try {
          const given = await injectJson(app, { method: 'PATCH', url: `/api/admin/people/${t.users.wa.id}`, headers: t.as.sup1.headers, payload: { gridIds: [grid.id] } })
          expect([given.status, given.body]).toMatchObject([200, {}])
        } finally {
          shift = 0
        }
        const sup = testClock('dev-sup1', Date.now() - 1.6 * HOUR + round * 1000)
        const houses = [0, 1, 2].map((i) => household(grid.id, { room: `${round}0${i}` }))
        expect(statuses(await supPush(houses.map((h) => create('households', h, sup()))))).toEqual(['applied', 'applied', 'applied'])
        expect((await handOver(grid.id, t.users.wb.id)).status).toBe(200)

        const waBefore = testClock('dev-wa', Date.now() - 1.2 * HOUR + round * 1000)
        const waAfter = testClock('dev-wa')
        const wbClock = testClock('dev-wb')
        const muts = edits.map((e) => {
          const hlc = e.who === 'wa-before' ? waBefore() : e.who === 'wa-after' ? waAfter() : wbClock()
          return { e, m: update('households', houses[e.house].id, { [e.field]: e.value }, hlc) }
        })
        const wa = await login(app, 'wa', t.users.wa.password, 'dev-wa')
        const wb = await login(app, 'wb', t.users.wb.password, 'dev-wb')
        // Each phone pushes its outbox in order, in one or two batches; the phones interleave by `order`.
        const queues = { wa: muts.filter((x) => x.e.who !== 'wb'), wb: muts.filter((x) => x.e.who === 'wb') }
        const results = new Map<string, PushResult>()
        let step = 0
        while (queues.wa.length || queues.wb.length) {
          const phone = !queues.wb.length || (queues.wa.length && order[step++ % order.length]) ? 'wa' : 'wb'
          const batch = queues[phone].splice(0, Math.max(1, Math.ceil(queues[phone].length / 2)))
          const rs = await push(app, phone === 'wa' ? wa : wb, batch.map((x) => x.m), `dev-${phone}`)
          rs.forEach((r) => results.set(r.mutationId, r))
        }
        // Nothing lost: what was made while the grid was theirs applied, the rest refused with a reason.
        for (const { e, m } of muts) {
          const r = results.get(m.id)!
          if (e.who === 'wa-after') expect([r.status, r.code, r.params?.to]).toEqual(['rejected', 'handed_over', 'wb'])
          else expect(r.status).toBe('applied')
        }
        // Field by field, the server holds the applied edit with the highest stamp.
        const expected = houses.map((h) => {
          const d: Data = { ...h }
          for (const f of FIELDS) {
            const won = muts.filter((x) => x.e.who !== 'wa-after' && x.e.house === houses.indexOf(h) && x.e.field === f).sort((a, b) => (a.m.hlc < b.m.hlc ? -1 : 1)).pop()
            if (won) d[f] = won.e.value
          }
          return d
        })
        const phoneB = live((await pullAll(app, wb)).changes, 'households')
        const server = live((await pullAll(app, t.as.sup1 as LoggedIn)).changes, 'households')
        const phoneA = live((await pullAll(app, wa)).changes, 'households')
        houses.forEach((h, i) => {
          const pick = (d: Data | undefined) => Object.fromEntries(FIELDS.map((f) => [f, d?.[f]]))
          expect(pick(phoneB.get(h.id))).toEqual(pick(expected[i]))
          expect(server.get(h.id)).toEqual(phoneB.get(h.id))
          expect(phoneA.has(h.id)).toBe(false)
        })
      }),
      { numRuns: 6 },
    )
  })
})
