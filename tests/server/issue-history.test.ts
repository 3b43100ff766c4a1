/**
 * Issue 7 item 2: an issue's history cannot be rewritten. Events are judged in the order the
 * server accepted them (acceptedSeq), `at` is bounded, and every event type has its sender.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import type { Grid, IssueEvent } from '../../src/domain/entities'
import { deriveIssueState } from '../../src/domain/issueState'
import { buildTestApp, createTestGrid, createTestUser, login, testDatabases, type LoggedIn, type TestUser } from './helper'
import { create, issue, pullAll, push, testClock, update } from './syncFixtures'
import { uuidv7 } from '../../src/domain/ids'

describe.each(testDatabases())('issue history on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let grid: Grid
  let w1: TestUser, w2: TestUser, sup: TestUser
  let as1: LoggedIn, as2: LoggedIn, asSup: LoggedIn
  const c1 = testClock('dev-w1')
  const c2 = testClock('dev-w2')
  const cs = testClock('dev-sup')

  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    grid = await createTestGrid(db)
    w1 = await createTestUser(db, { username: 'w1', name: '张伟', gridIds: [grid.id] })
    w2 = await createTestUser(db, { username: 'w2', name: '李娜', gridIds: [grid.id] })
    sup = await createTestUser(db, { username: 'sup', role: 'supervisor', gridIds: [grid.id] })
    as1 = await login(app, w1.username, w1.password, 'dev-w1')
    as2 = await login(app, w2.username, w2.password, 'dev-w2')
    asSup = await login(app, sup.username, sup.password, 'dev-sup')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const event = (issueId: string, type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}, at = Date.now()): IssueEvent & Record<string, unknown> =>
    ({ id: uuidv7(), hlc: '', deleted: false, issueId, type, actorId, at, data })

  async function closedIssue() {
    const i = issue(grid.id, w1.id, { reportedAt: Date.now() - 3_600_000 })
    const r = await push(app, as1, [
      create('issues', i, c1()),
      create('issueEvents', event(i.id, 'reported', w1.id, {}, i.reportedAt), c1()),
      create('issueEvents', event(i.id, 'accepted', w1.id), c1()),
      create('issueEvents', event(i.id, 'resolved', w1.id, { note: '已清理' }), c1()),
    ], 'dev-w1')
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied', 'applied', 'applied'])
    const s = await push(app, asSup, [
      create('issueEvents', event(i.id, 'rated', sup.id, { rating: 4 }), cs()),
      create('issueEvents', event(i.id, 'closed', sup.id), cs()),
    ], 'dev-sup')
    expect(s.map((x) => x.status)).toEqual(['applied', 'applied'])
    return i
  }

  async function eventsOf(issueId: string) {
    const { changes } = await pullAll(app, asSup)
    return changes.filter((c) => c.entity === 'issueEvents' && c.data.issueId === issueId).map((c) => c.data as unknown as IssueEvent & { acceptedSeq?: number })
  }

  it('a worker’s reopen stamped far in the future or back-dated cannot reopen a closed issue or void later events', async () => {
    const i = await closedIssue()
    const future = await push(app, as1, [create('issueEvents', event(i.id, 'reopened', w1.id, {}, Date.now() + 30 * 86_400_000), c1())], 'dev-w1')
    expect(future[0]).toMatchObject({ status: 'rejected', code: 'event_time' })
    const backDated = await push(app, as1, [create('issueEvents', event(i.id, 'reopened', w1.id, {}, i.reportedAt + 60_000), c1())], 'dev-w1')
    expect(backDated[0]).toMatchObject({ status: 'rejected', code: 'event_not_allowed' })
    const beforeReport = await push(app, asSup, [create('issueEvents', event(i.id, 'progress', sup.id, { note: 'x' }, i.reportedAt - 60_000), cs())], 'dev-sup')
    expect(beforeReport[0]).toMatchObject({ status: 'rejected', code: 'event_time' })

    const events = await eventsOf(i.id)
    expect(events.map((e) => [e.type, e.acceptedSeq])).toEqual([['reported', 1], ['accepted', 2], ['resolved', 3], ['rated', 4], ['closed', 5]])
    expect(deriveIssueState(events, i.level)).toMatchObject({ status: 'closed', rating: 4, reopenCount: 0 })
  })

  it('folds in server order: a supervisor’s back-dated reopen comes after the close it follows', async () => {
    const i = await closedIssue()
    const r = await push(app, asSup, [create('issueEvents', event(i.id, 'reopened', sup.id, { note: '回访不满意' }, i.reportedAt + 1000), cs())], 'dev-sup')
    expect(r[0].status).toBe('applied')
    const events = await eventsOf(i.id)
    expect(events.at(-1)).toMatchObject({ type: 'reopened', acceptedSeq: 6 })
    expect(deriveIssueState(events, i.level)).toMatchObject({ status: 'accepted', reopenCount: 1, assigneeId: w1.id })
  })

  it('two workers accept offline: the first to reach the server holds it; the other reads 已由 张伟 接单', async () => {
    const i = issue(grid.id, w2.id, { reportedAt: Date.now() - 60_000 })
    await push(app, as2, [create('issues', i, c2()), create('issueEvents', event(i.id, 'reported', w2.id, {}, i.reportedAt), c2())], 'dev-w2')
    const acceptA = create('issueEvents', event(i.id, 'accepted', w1.id), c1())
    const acceptB = create('issueEvents', event(i.id, 'accepted', w2.id), c2())
    expect((await push(app, as1, [acceptA], 'dev-w1'))[0].status).toBe('applied')
    expect((await push(app, as2, [acceptB], 'dev-w2'))[0]).toMatchObject({ status: 'rejected', code: 'already_accepted', params: { name: '张伟' } })
  })

  it('only a supervisor dispatches, rates and closes; 到场 and 办结 by the assignee alone', async () => {
    const i = issue(grid.id, w1.id, { reportedAt: Date.now() - 60_000 })
    await push(app, as1, [create('issues', i, c1()), create('issueEvents', event(i.id, 'reported', w1.id, {}, i.reportedAt), c1())], 'dev-w1')
    const selfDispatch = await push(app, as1, [create('issueEvents', event(i.id, 'assigned', w1.id, { assigneeId: w1.id }), c1())], 'dev-w1')
    expect(selfDispatch[0]).toMatchObject({ status: 'rejected', code: 'event_not_allowed' })
    expect((await push(app, asSup, [create('issueEvents', event(i.id, 'assigned', sup.id, { assigneeId: w2.id }), cs())], 'dev-sup'))[0].status).toBe('applied')
    const wrongArrival = await push(app, as1, [create('issueEvents', event(i.id, 'arrived', w1.id), c1())], 'dev-w1')
    expect(wrongArrival[0]).toMatchObject({ status: 'rejected', code: 'event_not_allowed' })
    const own = await push(app, as2, [
      create('issueEvents', event(i.id, 'accepted', w2.id), c2()),
      create('issueEvents', event(i.id, 'arrived', w2.id), c2()),
      create('issueEvents', event(i.id, 'resolved', w2.id, { note: '已处理' }), c2()),
      create('issueEvents', event(i.id, 'rated', w2.id, { rating: 5 }), c2()),
    ], 'dev-w2')
    expect(own.map((x) => x.code ?? x.status)).toEqual(['applied', 'applied', 'applied', 'event_not_allowed'])
  })

  it('undeleting an issue follows the rule of deleting it; only a supervisor lowers its level', async () => {
    const i = issue(grid.id, w1.id, { level: 'grid' })
    await push(app, as1, [create('issues', i, c1()), create('issueEvents', event(i.id, 'reported', w1.id, {}, i.reportedAt), c1())], 'dev-w1')
    expect((await push(app, as2, [update('issues', i.id, { level: 'micro' }, c2())], 'dev-w2'))[0]).toMatchObject({ status: 'rejected', code: 'event_not_allowed' })
    expect((await push(app, asSup, [update('issues', i.id, { level: 'micro' }, cs())], 'dev-sup'))[0].status).toBe('applied')
    expect((await push(app, asSup, [update('issues', i.id, { deleted: true }, cs())], 'dev-sup'))[0].status).toBe('applied')
    expect((await push(app, as2, [update('issues', i.id, { deleted: false }, c2())], 'dev-w2'))[0]).toMatchObject({ status: 'rejected', code: 'event_not_allowed' })
    expect((await push(app, as1, [update('issues', i.id, { deleted: false }, c1())], 'dev-w1'))[0].status).toBe('applied')
  })
})
