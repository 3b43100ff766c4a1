/**
 * The city for the load bench (issue 22): `communities` street-office-sized communities, generated
 * deterministically (demo/generate.ts with seed 1000 + i, `secondCommunity: false`, the same `now`
 * for all), written with the server's multi-row INSERT (putWholeRecords, 500 rows a statement) —
 * not through the HTTP API — and workers assigned round-robin over every community's grid-level
 * grids. Presets: `city` 20 communities / 400,000 households / 2,000 workers; `smoke` 2 / 2,000 / 20.
 *
 * Rows read per pull: for a sample of workers the first-sync page and, after every other worker's
 * morning, the incremental pull are EXPLAIN ANALYZEd on PostgreSQL (as bench/feedRows.ts does):
 * rows every scan node read (returned + removed by its filter, times its loops) against the rows
 * the pull returned, and the statement's server time.
 */
import type { Database } from '../server/db/adapter'
import { putWholeRecords } from '../server/records'
import { ENTITY_NAMES, type AnyRecord } from '../src/domain/entities'
import { generateCommunity } from '../demo/generate'
import { pageQuery, readChanges } from '../server/sync/readChanges'
import { loadScope, type Scope } from '../server/sync/scope'
import { decodeCursor, START, type Cursor } from '../server/sync/cursor'
import type { Role } from '../src/domain/entities'
import { rowsRead, type PlanNode } from './planRows'

export const CITY_PRESETS = {
  city: { communities: 20, households: 400_000, workers: 2_000 },
  smoke: { communities: 2, households: 2_000, workers: 20 },
} as const

/** Seeds `communities` communities of `households / communities` each; returns the grid-level grid ids. */
export async function seedCity(db: Database, opts: { communities: number; households: number; now: number; log?: (s: string) => void }): Promise<{ gridIds: string[]; households: number; records: number }> {
  const gridIds: string[] = []
  let households = 0
  let records = 0
  const per = Math.max(1, Math.round(opts.households / opts.communities))
  for (let i = 0; i < opts.communities; i++) {
    const c = generateCommunity({ seed: 1000 + i, households: per, now: opts.now, secondCommunity: false })
    // Track segments and issue events take their parent's grid, as push stores them (server/seed.ts).
    const parentGrid = new Map<string, string>()
    for (const p of c.records.patrols ?? []) parentGrid.set(p.id, p.gridId)
    for (const x of c.records.issues ?? []) parentGrid.set(x.id, x.gridId)
    const byParent = (field: 'patrolId' | 'issueId') => (r: AnyRecord) => parentGrid.get((r as unknown as Record<string, string>)[field]) ?? null
    await db.transaction(async (tx) => {
      for (const entity of ENTITY_NAMES) {
        const list = c.records[entity] ?? []
        const gridId = entity === 'trackSegments' ? byParent('patrolId') : entity === 'issueEvents' ? byParent('issueId') : undefined
        await putWholeRecords(tx, entity, list, gridId ? { gridId } : {})
        records += list.length
      }
    })
    households += c.records.households.length
    gridIds.push(...c.records.grids.filter((g) => g.level === 'grid').map((g) => g.id))
    opts.log?.(`community ${i + 1}/${opts.communities}: ${c.records.households.length} households, ${records} records so far`)
  }
  return { gridIds, households, records }
}


export interface PullRows { worker: string; returned: number; rowsRead: number; ratio: number; serverMs: number; layout: string; allPagesMs?: number; allPagesReturned?: number }

async function explain(db: Database, scope: Scope, from: Omit<Cursor, 'scope'>, returned: number, worker: string): Promise<PullRows> {
  const q = pageQuery(scope, from, 2500)
  return db.transaction(async (tx) => {
    if (q.layout === 'walk') await tx.query('SET LOCAL enable_sort = off')
    const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params)
    const plan = rows[0]['QUERY PLAN'][0]
    const read = rowsRead(plan.Plan)
    return { worker, returned, rowsRead: read, ratio: returned ? Math.round((read / returned) * 100) / 100 : NaN, serverMs: Math.round(plan['Execution Time'] * 10) / 10, layout: q.layout }
  })
}

/** Before the mornings: the sample's first sync (all pages) and its EXPLAIN; returns the cursors. */
export async function sampleFirstSync(db: Database, usernames: string[]): Promise<{ scopes: Scope[]; cursors: Omit<Cursor, 'scope'>[]; first: PullRows[] }> {
  const { rows } = await db.query<{ id: string; username: string; role: Role; grid_ids: string[] }>(
    `SELECT r.id::text AS id, c.username, r.data->>'role' AS role, ARRAY(SELECT jsonb_array_elements_text(r.data->'gridIds')) AS grid_ids
       FROM records r JOIN credentials c ON c.user_id = r.id WHERE r.entity = 'users' AND c.username = ANY($1::text[]) ORDER BY c.username`,
    [usernames],
  )
  const scopes: Scope[] = []
  const cursors: Omit<Cursor, 'scope'>[] = []
  const first: PullRows[] = []
  for (const u of rows) {
    const scope = await loadScope(db, { userId: u.id, role: u.role, gridIds: u.grid_ids })
    let from: Omit<Cursor, 'scope'> = START
    let returned = 0
    const t0 = performance.now()
    for (;;) {
      const page = await readChanges(db, scope, from, 2500)
      returned += page.count
      from = decodeCursor(page.cursor)
      if (!page.hasMore) break
    }
    const allPagesMs = Math.round(performance.now() - t0)
    // the first page's EXPLAIN; `allPagesMs`: every page of the first sync, read as the server reads them
    first.push({ ...(await explain(db, scope, START, Math.min(returned, 2500), u.username)), allPagesMs, allPagesReturned: returned })
    scopes.push(scope)
    cursors.push(from)
  }
  return { scopes, cursors, first }
}

/** After the mornings: the sample's incremental pull from where their first sync ended. */
export async function sampleIncremental(db: Database, s: { scopes: Scope[]; cursors: Omit<Cursor, 'scope'>[]; first: PullRows[] }): Promise<PullRows[]> {
  const out: PullRows[] = []
  for (let i = 0; i < s.scopes.length; i++) {
    const page = await readChanges(db, s.scopes[i], s.cursors[i], 2500)
    out.push(await explain(db, s.scopes[i], s.cursors[i], page.count, s.first[i].worker))
  }
  return out
}
