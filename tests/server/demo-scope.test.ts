/**
 * The demo as `npm start` seeds it: two communities, each supervisor sees their own; the issue
 * assignments the database keeps (004_scope.sql) agree with the issue rules of src/domain.
 * PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { seedDemo } from '../../server/seed'
import { generateCommunity, type DemoCommunity } from '../../demo/generate'
import { deriveIssueState } from '../../src/domain/issueState'
import type { IssueEvent } from '../../src/domain/entities'
import { buildTestApp, login, testDatabases } from './helper'
import { pullAll } from './syncFixtures'

describe.each(testDatabases())('demo communities on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let demo: DemoCommunity

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    demo = generateCommunity({ households: 300 })
    await seedDemo(db, demo, 'demo-test-1')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const communityOfGrid = () => new Map(demo.records.grids.map((g) => [g.id, g.communityId]))

  it('supervisor and supervisor2 each pull their own community, tracks and issues included', async () => {
    const inCommunity = communityOfGrid()
    for (const [username, communityId] of [['supervisor', demo.communityIds[0]], ['supervisor2', demo.communityIds[1]]] as const) {
      const auth = await login(app, username, 'demo-test-1', `desk-${username}`)
      const { changes } = await pullAll(app, auth)
      const ids = new Set(changes.map((c) => c.id))
      const expect_ = (list: { id: string; gridId: string }[]) => list.filter((r) => inCommunity.get(r.gridId) === communityId).map((r) => r.id).sort()
      const got = (list: { id: string }[]) => list.filter((r) => ids.has(r.id)).map((r) => r.id).sort()
      expect(got(demo.records.households), username).toEqual(expect_(demo.records.households))
      expect(got(demo.records.patrols), username).toEqual(expect_(demo.records.patrols))
      const patrolGrid = new Map(demo.records.patrols.map((p) => [p.id, p.gridId]))
      expect(got(demo.records.trackSegments), username).toEqual(expect_(demo.records.trackSegments.map((s) => ({ id: s.id, gridId: patrolGrid.get(s.patrolId)! }))))
      const issueGrid = new Map(demo.records.issues.map((i) => [i.id, i.gridId]))
      expect(got(demo.records.issueEvents), username).toEqual(expect_(demo.records.issueEvents.map((e) => ({ id: e.id, gridId: issueGrid.get(e.issueId)! }))))
      expect(got(demo.records.households).length).toBeGreaterThan(0)
    }
  })

  it('a worker of 苏州路社区 logs in with the demo password and pulls their grid only', async () => {
    // worker21 in the full demo; numbered after the first community's workers (3 at this size)
    const worker = demo.accounts[demo.accounts.findIndex((a) => a.username === 'supervisor2') + 1]
    expect(worker.username).toBe('worker04')
    const auth = await login(app, worker.username, 'demo-test-1', 'phone-2')
    const { changes } = await pullAll(app, auth)
    const grids = new Set(auth.user.gridIds)
    const parent = new Map(demo.records.grids.map((g) => [g.id, g.parentId]))
    const mine = demo.records.households.filter((h) => grids.has(h.gridId) || grids.has(parent.get(h.gridId) ?? ''))
    const pulled = new Set(changes.map((c) => c.id))
    expect(mine.length).toBeGreaterThan(100)
    expect(demo.records.households.filter((h) => pulled.has(h.id)).map((h) => h.id).sort()).toEqual(mine.map((h) => h.id).sort())
  })

  it('keeps each issue’s assignee as the issue rules derive it from its events', async () => {
    const { rows } = await db.query<{ id: string; assignee: string | null }>(
      "SELECT id::text AS id, assignee_id::text AS assignee FROM records WHERE entity = 'issues'",
    )
    const events = new Map<string, IssueEvent[]>()
    for (const e of demo.records.issueEvents) events.set(e.issueId, [...(events.get(e.issueId) ?? []), e])
    expect(rows).toHaveLength(demo.records.issues.length)
    for (const r of rows) expect(r.assignee, r.id).toBe(deriveIssueState(events.get(r.id) ?? []).assigneeId)
    expect(rows.filter((r) => r.assignee !== null).length).toBeGreaterThan(0)
  })
})
