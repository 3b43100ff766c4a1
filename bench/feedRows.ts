/**
 * Rows read per pull, the walk of the whole feed against the feed keyed by scope (issue 22):
 * seeds the demo (`--households`, default 20,500: one street office) into a fresh PostgreSQL
 * schema, then for a few workers EXPLAIN ANALYZEs their first-sync page and an incremental pull
 * after the morning of every other worker, both ways, summing the rows each scan node read
 * (rows returned + rows removed by its filter, times its loops).
 *
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/feedRows.ts [--households 20500] [--sample 5]
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type Database } from '../server/db/adapter'
import { migrate } from '../server/db/migrate'
import { seedDemo } from '../server/seed'
import { putWholeRecords } from '../server/records'
import { generateCommunity } from '../demo/generate'
import { pageQuery, type FeedLayout } from '../server/sync/readChanges'
import { loadScope, type Scope } from '../server/sync/scope'
import { decodeCursor, START } from '../server/sync/cursor'
import { readChanges } from '../server/sync/readChanges'
import { household, visit } from '../tests/factories'
import { rowsRead, type PlanNode } from './planRows'
import type { Role } from '../src/domain/entities'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : dflt
}


function printScans(n: PlanNode & Record<string, unknown>, tag: string): void {
  const read = rowsRead({ ...n, Plans: [] })
  if (read > 500) console.error(tag, n['Node Type'], n['Index Name'] ?? n['Relation Name'], read, n['Index Cond'] ?? '', n.Filter ? String(n.Filter).slice(0, 120) : '')
  for (const c of n.Plans ?? []) printScans(c as PlanNode & Record<string, unknown>, tag)
}

async function explain(db: Database, scope: Scope, from: { txid: string; seq: number }, layout: FeedLayout) {
  const q = pageQuery(scope, from, 2500, undefined, layout)
  return db.transaction(async (tx) => {
    if (q.layout === 'walk') await tx.query('SET LOCAL enable_sort = off')
    const t0 = performance.now()
    const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params)
    const wall = performance.now() - t0
    const plan = rows[0]['QUERY PLAN'][0]
    if (process.env.FEED_ROWS_DEBUG && from !== START) printScans(plan.Plan as PlanNode & Record<string, unknown>, layout)
    return { rowsRead: rowsRead(plan.Plan), ms: Math.round(plan['Execution Time'] * 10) / 10, wallMs: Math.round(wall) }
  })
}

const base = process.env.TEST_DATABASE_URL
if (!base) throw new Error('set TEST_DATABASE_URL')
const schema = `feedrows_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: base })
await admin.connect()
await admin.query(`CREATE SCHEMA ${schema}`)
const url = new URL(base)
url.searchParams.set('options', `-c search_path=${schema}`)
const db = await openDatabase({ databaseUrl: url.toString() })
try {
  await migrate(db)
  const households = Number(arg('households', '20500'))
  const t0 = Date.now()
  await seedDemo(db, generateCommunity({ households }), 'bench-feed-rows')
  await db.query('ANALYZE')
  console.error(`seeded ${households} households in ${Math.round((Date.now() - t0) / 1000)} s`)
  const { rows: users } = await db.query<{ id: string; role: Role; grid_ids: string[] }>(
    "SELECT id::text AS id, data->>'role' AS role, ARRAY(SELECT jsonb_array_elements_text(data->'gridIds')) AS grid_ids FROM records WHERE entity = 'users' AND data->>'role' = 'worker' ORDER BY id",
  )
  const scopes = await Promise.all(users.map((u) => loadScope(db, { userId: u.id, role: u.role, gridIds: u.grid_ids })))
  const sample = scopes.slice(0, Number(arg('sample', '5')))
  const cursors = new Map<string, { txid: string; seq: number }>()
  const out: Record<string, unknown>[] = []
  for (const s of sample) {
    const page = await readChanges(db, s, START, 2500)
    cursors.set(s.userId, decodeCursor(page.cursor))
    out.push({ pull: 'first sync', worker: s.userId.slice(-6), returned: page.count, walk: await explain(db, s, START, 'walk'), keyed: await explain(db, s, START, 'keyed') })
  }
  // the morning: every worker of the office writes 20 visits in their grid (28 rows in the bench)
  for (const s of scopes) {
    const grid = [...s.gridIds][0]
    const h = household(grid)
    await db.transaction(async (tx) => {
      await putWholeRecords(tx, 'households', [h])
      await putWholeRecords(tx, 'visits', Array.from({ length: 20 }, () => visit(h, s.userId)))
    })
  }
  for (const s of sample) {
    const from = cursors.get(s.userId)!
    const page = await readChanges(db, s, from, 2500)
    out.push({ pull: 'incremental', worker: s.userId.slice(-6), returned: page.count, walk: await explain(db, s, from, 'walk'), keyed: await explain(db, s, from, 'keyed') })
  }
  console.log(JSON.stringify({ households, workers: scopes.length, results: out }, null, 1))
} finally {
  await db.close()
  await admin.query(`DROP SCHEMA ${schema} CASCADE`)
  await admin.end()
}
