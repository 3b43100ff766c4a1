/**
 * Issue 18 "handover": a grid changes hands while both phones hold edits they have not sent.
 * After both push and pull, the server and both phones agree and nothing is silently lost: the
 * leaving worker's pending visit and edit are refused with the reason the phone shows in 需处理
 * (DESIGN §8.8) and stay there; the arriving worker's edits apply (also one taken over from the
 * leaving worker) and they hold the grid's households; the leaving phone gets the removals.
 * Known gap: a visit made before the handover is not accepted after it (see README).
 * PGlite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { injectJson, login, testDatabases, useTestApp } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'
import { create, household, pullAll, push, testClock, update, visit } from './syncFixtures'

describe.each(testDatabases())('handover with edits pending on both phones on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
  })

  it('converges with nothing lost', async () => {
    const h1 = household(t.gridA.id, { headName: '周建国' })
    const h2 = household(t.gridA.id, { headName: '吴秀英', room: '102' })
    expect((await push(app, t.as.sup1, [create('households', h1, testClock('dev-sup1')()), create('households', h2, testClock('dev-sup1')())], 'dev-sup1')).map((r) => r.status)).toEqual(['applied', 'applied'])
    const a0 = await pullAll(app, t.as.wa)
    expect(a0.changes.filter((c) => c.entity === 'households')).toHaveLength(2)

    // Offline, both phones edit: wa (leaving) visits h1 and edits h1's needs; wb (arriving, of
    // grid B) has an edit of a household of its own grid waiting.
    const waClock = testClock('dev-wa')
    const wbClock = testClock('dev-wb')
    const v = visit(h1, t.users.wa.id)
    const waPending = [create('visits', v, waClock()), update('households', h1.id, { needs: '需要助餐' }, waClock())]
    const hb = household(t.gridB.id, { headName: '郑强' })
    expect((await push(app, t.as.sup1, [create('households', hb, testClock('dev-sup1')())], 'dev-sup1'))[0].status).toBe('applied')
    const wbPending = [update('households', hb.id, { phone: '13900000001' }, wbClock())]

    const handed = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridA.id}/handover`, headers: t.as.sup1.headers, payload: { toUserId: t.users.wb.id } })
    expect(handed.status).toBe(200)

    // Their sessions carry the old grids; the server judges by the users' records as they are now.
    const wa = await login(app, 'wa', t.users.wa.password, 'dev-wa')
    const wb = await login(app, 'wb', t.users.wb.password, 'dev-wb')
    const waResults = await push(app, wa, waPending, 'dev-wa')
    const wbResults = await push(app, wb, wbPending, 'dev-wb')
    // The grid is no longer theirs: both are refused with the reason the phone shows in 需处理
    // (src/domain/rejections), where they stay — refused, not dropped, and never half-applied.
    expect(waResults.map((r) => [r.status, r.code])).toEqual([['rejected', 'out_of_scope'], ['rejected', 'out_of_scope']])
    expect((await db.query(`SELECT 1 FROM records WHERE entity = 'visits' AND id = $1`, [v.id])).rows).toHaveLength(0)
    expect(wbResults[0].status).toBe('applied')

    // The new worker takes the edit over from 需处理: it applies on the first try.
    const retried = await push(app, wb, [update('households', h1.id, { needs: '需要助餐' }, wbClock())], 'dev-wb')
    expect(retried[0].status).toBe('applied')

    const a1 = await pullAll(app, wa, a0.cursor)
    expect(a1.changes).toEqual(expect.arrayContaining([
      { entity: 'households', id: h1.id, removed: true },
      { entity: 'households', id: h2.id, removed: true },
    ]))
    const b = await pullAll(app, wb)
    const held = new Map(b.changes.filter((c) => c.entity === 'households' && !('removed' in c)).map((c) => [c.id, (c as { data: Record<string, unknown> }).data]))
    expect([...held.keys()].sort()).toEqual([h1.id, h2.id, hb.id].sort())
    expect(held.get(h1.id)).toMatchObject({ needs: '需要助餐', headName: '周建国' })
    expect(held.get(hb.id)).toMatchObject({ phone: '13900000001' })
    // The supervisor's view is the server's: the same households, the visit, nothing lost.
    const sup = await pullAll(app, t.as.sup1)
    const supHeld = sup.changes.filter((c) => c.entity === 'households' && !('removed' in c)).map((c) => c.id)
    expect(supHeld).toEqual(expect.arrayContaining([h1.id, h2.id, hb.id]))
  })
})
