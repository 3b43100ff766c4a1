/**
 * 004_scope.sql on a database that already holds data (made by 001–003): issues get their
 * assignee from their events in server order, track segments and events their parent's grid, and
 * the triggers work from then on. PGlite and PostgreSQL.
 */
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { uuidv7 } from '../../src/domain/ids'
import { testDatabases } from './helper'
import { issue, issueEvent, patrol, segment } from './syncFixtures'

const sql = (name: string) => readFile(new URL(`../../server/db/migrations/${name}`, import.meta.url), 'utf8')

describe.each(testDatabases())('migration 004 on $name', (tdb) => {
  let db: Database
  beforeEach(async () => {
    db = await tdb.open()
    for (const f of ['001_core.sql', '002_server_meta.sql', '003_sync.sql']) await db.exec(await sql(f))
  })
  afterEach(async () => {
    await db.close()
  })

  it('backfills assignees, and the grids of segments and events, then keeps assignees current', async () => {
    const grid = uuidv7()
    const [w1, w2, sup] = [uuidv7(), uuidv7(), uuidv7()]
    const i = issue(grid, w1)
    const claimed = issue(grid, w1)
    const p = patrol(grid, w1)
    const s = segment(p)
    await db.transaction(async (tx) => {
      await putWholeRecords(tx, 'issues', [i, claimed])
      await putWholeRecords(tx, 'patrols', [p])
      await putWholeRecords(tx, 'trackSegments', [s], { gridId: () => null })
    })
    // one event per transaction: the server order the backfill must follow
    const events = [
      issueEvent(i.id, 'reported', w1),
      issueEvent(i.id, 'assigned', sup, { assigneeId: w1 }),
      issueEvent(i.id, 'assigned', sup, { assigneeId: w2 }),
      issueEvent(claimed.id, 'reported', w1),
      issueEvent(claimed.id, 'accepted', w2),
    ]
    for (const e of events) await db.transaction((tx) => putWholeRecords(tx, 'issueEvents', [e], { gridId: () => null }))

    await db.exec(await sql('004_scope.sql'))

    const row = async (entity: string, id: string) =>
      (await db.query<{ grid_id: string | null; assignee_id: string | null }>(
        'SELECT grid_id::text AS grid_id, assignee_id::text AS assignee_id FROM records WHERE entity = $1 AND id = $2::uuid',
        [entity, id],
      )).rows[0]
    expect((await row('issues', i.id)).assignee_id).toBe(w2)
    expect((await row('issues', claimed.id)).assignee_id).toBe(w2)
    expect((await row('trackSegments', s.id)).grid_id).toBe(grid)
    expect((await row('issueEvents', events[0].id)).grid_id).toBe(grid)

    // from now on the trigger keeps it: escalation hands the issue back, and the move is an exit
    await db.transaction((tx) => putWholeRecords(tx, 'issueEvents', [issueEvent(i.id, 'escalated', w2)]))
    expect((await row('issues', i.id)).assignee_id).toBeNull()
    const { rows } = await db.query<{ assignee_id: string }>(
      "SELECT assignee_id::text AS assignee_id FROM record_exits WHERE entity = 'issues' AND id = $1::uuid",
      [i.id],
    )
    expect(rows).toEqual([{ assignee_id: w2 }])
  })
})
