/**
 * record_exits pruned, and cursors the feed can no longer answer (041, server/sync/feedState.ts):
 * a phone that pulls within the retention gets its removals as before; one offline for longer
 * than that starts over with `reset: true`, its download no longer holding what left its scope;
 * a cursor of another epoch (a restored backup) starts over too; the cursor at the start never
 * does. PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { pruneExits, newEpoch, readFeedState } from '../../server/sync/feedState'
import { decodeCursor } from '../../server/sync/cursor'
import type { Grid } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, testDatabases, type LoggedIn } from './helper'
import { create, household, pullAll, push, testClock, update } from './syncFixtures'

describe.each(testDatabases())('feed horizon and epoch on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let gridA: Grid, gridB: Grid
  let asA: LoggedIn, asSup: LoggedIn
  const clock = testClock('dev-a')
  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    const communityId = uuidv7()
    gridA = await createTestGrid(db, { communityId, name: '一网格', code: 'G01' })
    gridB = await createTestGrid(db, { communityId, name: '二网格', code: 'G02' })
    const workerA = await createTestUser(db, { username: 'wa', gridIds: [gridA.id] })
    const supervisor = await createTestUser(db, { username: 'sup', role: 'supervisor', gridIds: [communityId] })
    asA = await login(app, workerA.username, workerA.password, 'dev-a')
    asSup = await login(app, supervisor.username, supervisor.password, 'dev-a')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const pull = async (cursor?: string) => {
    const res = await injectJson(app, { method: 'GET', url: `/api/sync/pull${cursor ? `?cursor=${cursor}` : ''}`, headers: asA.headers })
    expect(res.status).toBe(200)
    return res.body as { changes: { id: string; removed?: true }[]; cursor: string; hasMore: boolean; reset?: true }
  }

  it('prunes old exits; a phone offline past them starts over visibly, one that pulled since goes on', async () => {
    const kept = household(gridA.id)
    const moving = household(gridA.id)
    await push(app, asSup, [create('households', kept, clock()), create('households', moving, clock())])
    const { cursor: offline } = await pullAll(app, asA) // the phone that then goes quiet for months
    expect(decodeCursor(offline).epoch).toBe((await readFeedState(db)).epoch)
    await push(app, asSup, [update('households', moving.id, { gridId: gridB.id }, clock())])
    // a phone offline for a while, within the retention: its removal is still there
    const early = await pullAll(app, asA, offline)
    expect(early.changes).toContainEqual({ entity: 'households', id: moving.id, removed: true })

    expect(await pruneExits(db, new Date(Date.now() - 86_400_000))).toBe(0) // nothing that old yet
    await db.query("UPDATE record_exits SET at = now() - interval '100 days'")
    expect(await pruneExits(db, new Date(Date.now() - 90 * 86_400_000))).toBeGreaterThan(0)
    expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_exits').then((r) => r.rows[0].n)).toBe(0)

    // the phone that pulled after the exit goes on as before
    const goesOn = await pull(early.cursor)
    expect(goesOn.reset).toBeUndefined()
    expect(goesOn.changes).toEqual([])
    // the long-offline one starts over: told so, and its download holds its grid as it is now
    const over = await pull(offline)
    expect(over.reset).toBe(true)
    const ids = over.changes.map((c) => c.id)
    expect(ids).toContain(kept.id)
    expect(ids).not.toContain(moving.id)
    expect((await pull(over.cursor)).reset).toBeUndefined()
    // a phone that holds nothing yet needs no removals: never reset
    expect((await pull()).reset).toBeUndefined()
  })

  it('starts over a cursor of another epoch (a restored backup), and takes cursors from before epochs', async () => {
    const { cursor } = await pullAll(app, asA)
    const c = decodeCursor(cursor)
    const v1 = Buffer.from(`1.${c.txid}.${c.seq}.${c.scope}`).toString('base64url')
    expect((await pull(v1)).reset).toBeUndefined()
    await newEpoch(db)
    const res = await pull(cursor)
    expect(res.reset).toBe(true)
    expect(res.changes.length).toBeGreaterThan(0)
    expect(decodeCursor(res.cursor).epoch).toBe((await readFeedState(db)).epoch)
    expect((await pull(res.cursor)).reset).toBeUndefined()
  })
})
