/**
 * Issue 7 item 5: what leaves a user's scope leaves the phone. The pull carries
 * `{entity, id, removed: true}` for a record the user could see and no longer can — a household
 * moved to another grid, everything a worker's new grids do not cover, an issue handed to someone
 * else — with the cursor: never skipped, never for what stays. PGlite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { decodeCursor } from '../../server/sync/cursor'
import { readChanges } from '../../server/sync/readChanges'
import { loadScope } from '../../server/sync/scope'
import { isRemoval, type PullChange } from '../../src/domain/sync'
import type { Household, User } from '../../src/domain/entities'
import { createTestUser, login, serverHlc, testDatabases, useTestApp } from './helper'
import { building, create, household, issue, issueEvent, pullAll, push, testClock, update, visit, type Auth } from './syncFixtures'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

describe.each(testDatabases())('removals on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  const clock = testClock('dev-s')

  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app)
  }, { per: 'file' })

  const removed = (changes: PullChange[]) => changes.filter(isRemoval).map((c) => `${c.entity}:${c.id}`)
  const kept = (changes: PullChange[]) => changes.filter((c) => !isRemoval(c)).map((c) => c.id)

  async function newHousehold(gridId: string): Promise<Household> {
    const h = household(gridId)
    expect((await push(app, t.as.sup1, [create('households', h, clock())]))[0].status).toBe('applied')
    return h
  }
  const move = async (h: Household, gridId: string) =>
    expect((await push(app, t.as.sup1, [update('households', h.id, { gridId }, clock())]))[0].status).toBe('applied')

  /** Pulls page by page, `limit` changes at a time, like a phone on a slow line. */
  async function pullPaged(auth: Auth, cursor: string, limit: number): Promise<{ changes: PullChange[]; cursor: string }> {
    return pullAll(app, auth, cursor, limit) as Promise<{ changes: PullChange[]; cursor: string }>
  }

  it('a household moved to another grid is removed from the old grid’s worker and arrives at the new one’s', async () => {
    const h = await newHousehold(t.microA1.id)
    const a = await pullAll(app, t.as.wa)
    const b = await pullAll(app, t.as.wb)
    expect(kept(a.changes)).toContain(h.id)
    expect(kept(b.changes)).not.toContain(h.id)

    await move(h, t.gridB.id)
    const a2 = await pullAll(app, t.as.wa, a.cursor)
    expect(removed(a2.changes)).toEqual([`households:${h.id}`])
    expect(kept(a2.changes)).not.toContain(h.id)
    const b2 = await pullAll(app, t.as.wb, b.cursor)
    expect(kept(b2.changes)).toContain(h.id)
    expect(removed(b2.changes)).toEqual([])
    // the supervisor sees it in both grids: nothing is removed for them
    expect(removed((await pullAll(app, t.as.sup1)).changes)).not.toContain(`households:${h.id}`)

    // and back: the data returns to A, B gets the removal; nothing more comes for A after that
    await move(h, t.microA1.id)
    const a3 = await pullAll(app, t.as.wa, a2.cursor)
    expect(kept(a3.changes)).toContain(h.id)
    expect(removed(a3.changes)).toEqual([])
    const b3 = await pullAll(app, t.as.wb, b2.cursor)
    expect(removed(b3.changes)).toEqual([`households:${h.id}`])
    expect((await pullAll(app, t.as.wa, a3.cursor)).changes).toEqual([])
  })

  it('moved away and on again between two pulls: one removal; moved away and back: none, the data instead', async () => {
    const h1 = await newHousehold(t.gridA.id)
    const h2 = await newHousehold(t.gridA.id)
    const a = await pullAll(app, t.as.wa)
    await move(h1, t.gridB.id)
    await move(h1, t.c1.id) // on to the community level: still not worker A's
    await move(h2, t.gridB.id)
    await move(h2, t.gridA.id)
    // one change per page: the removal is not lost between pages
    const a2 = await pullPaged(t.as.wa, a.cursor, 1)
    expect(removed(a2.changes)).toEqual([`households:${h1.id}`])
    expect(kept(a2.changes)).toEqual([h2.id])
  })

  it('a visit stays with its grid: moving its household does not take the visit of the old grid away', async () => {
    const h = await newHousehold(t.gridA.id)
    const v = visit(h, t.users.wa.id)
    expect((await push(app, t.as.wa, [create('visits', v, clock())]))[0].status).toBe('applied')
    const b = await pullAll(app, t.as.wb)
    await move(h, t.gridB.id)
    const b2 = await pullAll(app, t.as.wb, b.cursor)
    expect(kept(b2.changes)).toContain(h.id)
    expect(kept(b2.changes)).not.toContain(v.id)
  })

  it('an issue handed to another worker leaves the old assignee with all its events, and reaches the new one', async () => {
    const i = issue(t.gridA.id, t.users.wa.id)
    const reported = issueEvent(i.id, 'reported', t.users.wa.id)
    await push(app, t.as.wa, [create('issues', i, clock()), create('issueEvents', reported, clock())])
    const toB = issueEvent(i.id, 'assigned', t.users.sup1.id, { assigneeId: t.users.wb.id })
    await push(app, t.as.sup1, [create('issueEvents', toB, clock())])
    const b = await pullAll(app, t.as.wb)
    expect(kept(b.changes)).toEqual(expect.arrayContaining([i.id, reported.id, toB.id]))

    // worker C (grid B too) does not see it: the issue is grid A's and not theirs
    const wc = await createTestUser(db, { username: 'wc', gridIds: [t.gridB.id] })
    const asC = await login(app, wc.username, wc.password, 'dev-wc')
    const c = await pullAll(app, asC)
    expect(kept(c.changes)).not.toContain(i.id)

    const toC = issueEvent(i.id, 'assigned', t.users.sup1.id, { assigneeId: wc.id })
    expect((await push(app, t.as.sup1, [create('issueEvents', toC, clock())]))[0].status).toBe('applied')
    const b2 = await pullAll(app, t.as.wb, b.cursor)
    expect(removed(b2.changes).sort()).toEqual([`issueEvents:${reported.id}`, `issueEvents:${toB.id}`, `issueEvents:${toC.id}`, `issues:${i.id}`].sort())
    expect(kept(b2.changes)).not.toContain(i.id)
    const c2 = await pullAll(app, asC, c.cursor)
    expect(kept(c2.changes)).toEqual(expect.arrayContaining([i.id, reported.id, toB.id, toC.id]))
    // worker A reported it and sees it in their grid throughout: nothing removed
    expect(removed((await pullAll(app, t.as.wa)).changes)).not.toContain(`issues:${i.id}`)
  })

  it('a worker moved to other grids loses everything the new grids do not cover, keeps what they wrote, and gets the new grids', async () => {
    const wm = await createTestUser(db, { username: 'wm', gridIds: [t.gridA.id] })
    const asM = await login(app, wm.username, wm.password, 'dev-s')
    const bld = building(t.microA1.id)
    const other = household(t.microA1.id, { buildingId: null })
    await push(app, t.as.sup1, [create('buildings', bld, clock()), create('households', other, clock())])
    const mine = household(t.gridA.id)
    const myVisit = visit(mine, wm.id)
    expect((await push(app, asM, [create('households', mine, clock()), create('visits', myVisit, clock())])).map((r) => r.status)).toEqual(['applied', 'applied'])
    const inB = await newHousehold(t.gridB.id)
    const before = await pullAll(app, asM)
    expect(kept(before.changes)).toEqual(expect.arrayContaining([bld.id, other.id, mine.id, myVisit.id, t.microA1.id, t.users.wa.id]))
    expect(kept(before.changes)).not.toContain(inB.id)

    // the administrator moves the worker from grid A to grid B
    const [moved] = await push(app, t.as.admin, [update('users', wm.id, { gridIds: [t.gridB.id] }, clock())])
    expect(moved.status).toBe('applied')
    const after = await pullAll(app, asM, before.cursor)
    const gone = removed(after.changes)
    for (const id of [`buildings:${bld.id}`, `households:${other.id}`, `users:${t.users.wa.id}`]) expect(gone).toContain(id)
    // what they wrote stays theirs (the household they created, their visit); the grid map stays
    for (const id of [mine.id, myVisit.id, t.microA1.id, t.gridA.id]) expect(gone.join()).not.toContain(id)
    expect(kept(after.changes)).toEqual(expect.arrayContaining([inB.id, t.users.wb.id]))
    // the removals come once: the next pull with the new cursor is quiet
    expect(removed((await pullAll(app, asM, after.cursor)).changes)).toEqual([])

    // the co-worker left behind in grid A no longer sees the worker who moved
    const wa = await pullAll(app, t.as.wa, before.cursor)
    expect(removed(wa.changes)).toContain(`users:${wm.id}`)
  })

  it('a supervisor moved to the other community loses the first one', async () => {
    const sm = await createTestUser(db, { username: 'sm', role: 'supervisor', gridIds: [t.c1.id] })
    const asSm = await login(app, sm.username, sm.password, 'dev-sm')
    const h = await newHousehold(t.gridB.id)
    const before = await pullAll(app, asSm)
    expect(kept(before.changes)).toContain(h.id)
    // an admin tool rewrites the profile directly (not through push): the same removals follow
    const profile: User = { ...sm.record, gridIds: [t.c2.id], hlc: serverHlc(Date.now() + 1) }
    await db.transaction((tx) => putWholeRecords(tx, 'users', [profile]))
    const after = await pullAll(app, asSm, before.cursor)
    expect(removed(after.changes)).toEqual(expect.arrayContaining([`households:${h.id}`, `grids:${t.gridA.id}`, `users:${t.users.wa.id}`]))
    expect(kept(after.changes)).toEqual(expect.arrayContaining([t.gridX.id, t.users.wx.id]))
    expect(kept(after.changes)).not.toContain(h.id)
  })

  it('a new micro-grid in one’s grid does not start the feed over; its households then arrive as usual', async () => {
    const a = await pullAll(app, t.as.wa)
    const s = await pullAll(app, t.as.sup1)
    const micro = { id: crypto.randomUUID(), hlc: clock(), deleted: false, communityId: t.c1.id, parentId: t.gridA.id, level: 'micro' as const, name: '第一网格第九微网格', code: `XGL-01-09-${Date.now()}`, boundary: null, workerIds: [] }
    expect((await push(app, t.as.sup1, [create('grids', micro, clock())]))[0].status).toBe('applied')
    const a2 = await pullAll(app, t.as.wa, a.cursor)
    expect(a2.changes.map((c) => c.id)).toEqual([micro.id])
    const s2 = await pullAll(app, t.as.sup1, s.cursor)
    expect(s2.changes.map((c) => c.id)).toEqual([micro.id])
    const h = await newHousehold(micro.id)
    expect(kept((await pullAll(app, t.as.wa, a2.cursor)).changes)).toEqual([h.id])
  })

  it('a micro-grid moved under another grid takes its households along: to the new grid’s worker, away from the old one’s', async () => {
    const micro = { id: crypto.randomUUID(), hlc: clock(), deleted: false, communityId: t.c1.id, parentId: t.gridB.id, level: 'micro' as const, name: '第二网格第九微网格', code: `XGL-02-09-${Date.now()}`, boundary: null, workerIds: [] }
    expect((await push(app, t.as.sup1, [create('grids', micro, clock())]))[0].status).toBe('applied')
    const h = await newHousehold(micro.id)
    const a = await pullAll(app, t.as.wa)
    const b = await pullAll(app, t.as.wb)
    expect(kept(b.changes)).toContain(h.id)
    expect(kept(a.changes)).not.toContain(h.id)
    expect((await push(app, t.as.sup1, [update('grids', micro.id, { parentId: t.gridA.id }, clock())]))[0].status).toBe('applied')
    expect(kept((await pullAll(app, t.as.wa, a.cursor)).changes)).toContain(h.id)
    expect(removed((await pullAll(app, t.as.wb, b.cursor)).changes)).toContain(`households:${h.id}`)
  })

  it('a record nobody owns (seeded, imported, written by an administrator) still leaves the phone when it moves', async () => {
    const h = { ...household(t.gridA.id), hlc: serverHlc(Date.now()) }
    await db.transaction((tx) => putWholeRecords(tx, 'households', [h]))
    const { rows } = await db.query<{ owner_id: string | null }>(`SELECT owner_id FROM records WHERE entity = 'households' AND id = $1`, [h.id])
    expect(rows[0].owner_id).toBeNull()
    const a = await pullAll(app, t.as.wa)
    expect(kept(a.changes)).toContain(h.id)
    await db.transaction((tx) => putWholeRecords(tx, 'households', [{ ...h, gridId: t.gridB.id, hlc: serverHlc(Date.now() + 5) }]))
    const a2 = await pullAll(app, t.as.wa, a.cursor)
    expect(removed(a2.changes)).toEqual([`households:${h.id}`])
  })

  it.skipIf(tdb.name !== 'postgres')('never skips a removal written by a transaction that commits late (another server process)', async () => {
    const h = await newHousehold(t.gridA.id)
    const scope = await loadScope(db, { userId: t.users.wa.id, role: 'worker', gridIds: [t.gridA.id] })
    const { cursor } = await pullAll(app, t.as.wa)
    let release!: () => void
    let started!: () => void
    const isRunning = new Promise<void>((r) => (started = r))
    const slowTx = db.transaction(async (tx) => {
      await tx.query(`UPDATE records SET grid_id = $1::uuid, data = jsonb_set(data, '{gridId}', to_jsonb($1::text)), txid = pg_current_xact_id(), seq = nextval('records_seq')
                       WHERE entity = 'households' AND id = $2::uuid`, [t.gridB.id, h.id])
      started()
      await new Promise<void>((r) => (release = r))
    })
    await isRunning
    const fast = household(t.gridA.id)
    await push(app, t.as.sup1, [create('households', fast, clock())]) // commits first, with a later transaction id
    const during = await readChanges(db, scope, decodeCursor(cursor), 100)
    expect(JSON.parse(during.json).changes).toEqual([])
    release()
    await slowTx
    const after = await pullAll(app, t.as.wa, cursor)
    expect(removed(after.changes)).toEqual([`households:${h.id}`])
    expect(kept(after.changes)).toContain(fast.id)
  })
})
