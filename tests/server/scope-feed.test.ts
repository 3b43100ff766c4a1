/**
 * The change feed keyed by scope (040_scope_feed.sql, readChanges.ts): the keyed page hands out
 * exactly what the walk of the whole feed does, for every demo user, page by page, before and after
 * records move between grids and issues between assignees; it never skips a change while other
 * transactions commit concurrently (PostgreSQL); and 040 migrates a database with data in place.
 * PGlite and PostgreSQL.
 */
import { readdir, readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/adapter'
import { seedDemo } from '../../server/seed'
import { generateCommunity, type DemoCommunity } from '../../demo/generate'
import { putWholeRecords } from '../../server/records'
import { decodeCursor, START, type Cursor } from '../../server/sync/cursor'
import { layoutFor, readChanges, type FeedLayout } from '../../server/sync/readChanges'
import { loadScope, type Scope } from '../../server/sync/scope'
import { uuidv7 } from '../../src/domain/ids'
import type { Role } from '../../src/domain/entities'
import { testDatabases } from './helper'
import { household, issue, issueEvent } from './syncFixtures'

/** Every page from `from` until the end, with its cursor: the whole answer, compared as text. */
async function allPages(db: Database, scope: Scope, layout: FeedLayout, from: Omit<Cursor, 'scope'> = START, limit = 97) {
  const pages: string[] = []
  let at = from
  for (let i = 0; i < 1000; i++) {
    const page = await readChanges(db, scope, at, limit, undefined, { layout })
    pages.push(page.json)
    if (!page.hasMore) return pages
    at = decodeCursor(page.cursor)
  }
  throw new Error('feed did not end')
}

async function demoScopes(db: Database): Promise<Scope[]> {
  const { rows } = await db.query<{ id: string; role: Role; grid_ids: string[] }>(
    "SELECT id::text AS id, data->>'role' AS role, ARRAY(SELECT jsonb_array_elements_text(data->'gridIds')) AS grid_ids FROM records WHERE entity = 'users'",
  )
  return Promise.all(rows.filter((r) => r.role !== 'admin').map((r) => loadScope(db, { userId: r.id, role: r.role, gridIds: r.grid_ids })))
}

describe.each(testDatabases())('feed keyed by scope on $name', (tdb) => {
  let db: Database
  let demo: DemoCommunity
  beforeAll(async () => {
    db = await tdb.open()
    const { migrate } = await import('../../server/db/migrate')
    await migrate(db)
    demo = generateCommunity({ households: 300 })
    await seedDemo(db, demo, 'demo-test-1')
  })
  afterAll(async () => {
    await db.close()
  })

  it('hands every demo user the same pages as the walk of the whole feed, before and after moves', async () => {
    const scopes = await demoScopes(db)
    expect(scopes.filter((s) => s.role === 'worker').length).toBeGreaterThan(3)
    expect(scopes.every((s) => layoutFor(s) === 'keyed')).toBe(true)
    const before = new Map<string, Omit<Cursor, 'scope'>>()
    for (const s of scopes) {
      const walk = await allPages(db, s, 'walk')
      expect(await allPages(db, s, 'keyed'), s.userId).toEqual(walk)
      expect(walk.join('').length).toBeGreaterThan(1000)
      const last = JSON.parse(walk[walk.length - 1]).cursor as string
      before.set(s.userId, decodeCursor(last))
    }
    // Moves: households to another grid, an issue to another assignee and grid, a grid to the other
    // community, a user's grids — each a record at a new position and an exit of its old keys.
    const grids = demo.records.grids.filter((g) => g.parentId)
    const move = async (entity: string, id: string, set: string, params: unknown[]) =>
      db.query(`UPDATE records SET ${set}, txid = pg_current_xact_id(), seq = nextval('records_seq') WHERE entity = '${entity}' AND id = $1::uuid`, [id, ...params])
    for (const [i, h] of demo.records.households.slice(0, 12).entries()) {
      const to = grids[(i * 7 + 3) % grids.length].id
      await move('households', h.id, `grid_id = $2::uuid, data = jsonb_set(data, '{gridId}', to_jsonb($2::text))`, [to])
    }
    const worker = scopes.find((s) => s.role === 'worker')!
    for (const is of demo.records.issues.slice(0, 4)) {
      await db.transaction((tx) => putWholeRecords(tx, 'issueEvents', [issueEvent(is.id, 'assigned', uuidv7(), { assigneeId: worker.userId })]))
    }
    await move('issues', demo.records.issues[5].id, 'grid_id = $2::uuid', [grids[1].id])
    await move('grids', grids[2].id, `data = jsonb_set(data, '{communityId}', to_jsonb($2::text))`, [demo.communityIds[1]])
    const someone = scopes.find((s) => s.role === 'worker' && s.userId !== worker.userId)!
    await move('users', someone.userId, `data = jsonb_set(data, '{gridIds}', jsonb_build_array($2::text))`, [grids[4].id])
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_exits')
    expect(rows[0].n).toBeGreaterThan(15)
    for (const s of scopes) {
      expect(await allPages(db, s, 'keyed', before.get(s.userId), 5), s.userId).toEqual(await allPages(db, s, 'walk', before.get(s.userId), 5))
      expect(await allPages(db, s, 'keyed'), s.userId).toEqual(await allPages(db, s, 'walk'))
    }
    // the worker now holds the issues assigned to them, whatever their grid
    const got = (await allPages(db, await loadScope(db, { userId: worker.userId, role: 'worker', gridIds: [...worker.gridIds] }), 'keyed')).join('')
    for (const is of demo.records.issues.slice(0, 4)) expect(got).toContain(is.id)
  })

  it.skipIf(tdb.name !== 'postgres')('never skips a change while other transactions commit concurrently', async () => {
    const [w] = (await demoScopes(db)).filter((s) => s.role === 'worker')
    const grid = [...w.gridIds][0]
    const first = await allPages(db, w, 'keyed')
    let cursor = decodeCursor(JSON.parse(first[first.length - 1]).cursor)
    const written: string[] = []
    const seen: string[] = []
    // First one by hand: a transaction that took its position first and commits last.
    let release!: () => void
    let started!: () => void
    const isRunning = new Promise<void>((r) => (started = r))
    const slow = household(grid)
    const slowTx = db.transaction(async (tx) => {
      await putWholeRecords(tx, 'households', [slow])
      started()
      await new Promise<void>((r) => (release = r))
    })
    await isRunning
    const fast = household(grid)
    await db.transaction((tx) => putWholeRecords(tx, 'households', [fast]))
    written.push(fast.id, slow.id)
    const during = await readChanges(db, w, cursor, 100, undefined, { layout: 'keyed' })
    for (const c of JSON.parse(during.json).changes) if (c.entity === 'households') seen.push(c.id)
    cursor = decodeCursor(during.cursor)
    release()
    await slowTx
    let writing = true
    // 8 writers, each committing 15 transactions of 1–3 households after a random pause inside
    // the transaction: later transactions commit before earlier ones all the time.
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 15; i++) {
        const hs = Array.from({ length: 1 + (i % 3) }, () => household(grid))
        await db.transaction(async (tx) => {
          await putWholeRecords(tx, 'households', hs)
          await new Promise((r) => setTimeout(r, Math.random() * 30))
        })
        written.push(...hs.map((h) => h.id))
      }
    })
    const done = Promise.all(writers).then(() => (writing = false))
    const pullOnce = async () => {
      const page = await readChanges(db, w, cursor, 7, undefined, { layout: 'keyed' })
      for (const c of JSON.parse(page.json).changes) if (c.entity === 'households') seen.push(c.id)
      cursor = decodeCursor(page.cursor)
      return page.hasMore
    }
    while (writing) await pullOnce()
    await done
    const quietBy = Date.now() + 40_000
    while ((await pullOnce()) || (seen.length < written.length && Date.now() < quietBy)) await new Promise((r) => setTimeout(r, 10))
    expect(seen.length).toBe(written.length)
    expect(new Set(seen)).toEqual(new Set(written))
  })
})

describe.each(testDatabases())('migration 040 on $name', (tdb) => {
  it('keys a database with data in place, and pulls from it as the walk does', async () => {
    const db = await tdb.open()
    try {
      const dir = new URL('../../server/db/migrations/', import.meta.url)
      const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
      for (const f of files.filter((f) => f < '040')) await db.exec(await readFile(new URL(f, dir), 'utf8'))
      const grid = uuidv7()
      const worker = uuidv7()
      const hs = Array.from({ length: 30 }, () => household(grid))
      const is = issue(grid, worker)
      await db.transaction(async (tx) => {
        await putWholeRecords(tx, 'households', hs)
        await putWholeRecords(tx, 'issues', [is])
        await putWholeRecords(tx, 'issueEvents', [issueEvent(is.id, 'reported', worker)])
      })
      await db.query(`UPDATE records SET grid_id = $1::uuid, txid = pg_current_xact_id(), seq = nextval('records_seq') WHERE id = $2::uuid`, [uuidv7(), hs[0].id])
      for (const f of files.filter((f) => f >= '040')) await db.exec(await readFile(new URL(f, dir), 'utf8'))
      const { rows } = await db.query<{ entity: string; k: string | null }>('SELECT entity, scope_key AS k FROM records UNION ALL SELECT entity, scope_key FROM record_exits')
      expect(rows.filter((r) => r.entity === 'households' && r.k === grid)).toHaveLength(29 + 1) // the exit keeps the old grid
      expect(rows.find((r) => r.entity === 'issueEvents')?.k).toBe(`i:${is.id}`)
      const scope = await loadScope(db, { userId: uuidv7(), role: 'worker', gridIds: [grid] })
      const keyed = await allPages(db, scope, 'keyed', START, 7)
      expect(keyed).toEqual(await allPages(db, scope, 'walk', START, 7))
      expect(keyed.join('')).toContain(is.id)
      expect(keyed.join('')).toContain('"removed":true')
    } finally {
      await db.close()
    }
  })
})
