/**
 * 事件督办's detail view and 催办 (issue 17): GET /api/supervisor/issues/:id answers one issue of
 * the caller's community — record, events in server order, names, place in words — and 404 for
 * any other id (another community's, unknown, malformed) with a message a person reads; the
 * default board filter `active` keeps 已办结 issues waiting for 评价 / 销号; a `reminded` event is
 * refused from a worker, taken from the supervisor and reaches the assignee's phone by pull.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { consoleIssueDetailSchema } from '../../src/domain/consoleIssue'
import { uuidv7 } from '../../src/domain/ids'
import { describeRejection } from '../../src/domain/rejections'
import { createTestGrid, createTestUser, injectJson, login, serverHlc, testDatabases, useTestApp, type LoggedIn } from './helper'
import { DAY, HOUR, NOW, consoleSession, type ConsoleFixture } from './consoleFixture'
import { create, issue, issueEvent, pullAll, push, testClock } from './syncFixtures'

describe.each(testDatabases())('事件督办 detail and 催办 on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let fx: ConsoleFixture
  let boss: LoggedIn
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    ;({ fx, boss } = await consoleSession(db, app))
  }, { app: { now: () => NOW } })

  const get = (url: string, who: LoggedIn = boss) => injectJson(app, { method: 'GET', url, headers: who.headers })

  /** A second community beside the fixture's, with its own supervisor and one issue. */
  async function otherCommunity() {
    const community = await createTestGrid(db, { level: 'community', name: '苏州路社区', code: 'C2' })
    const grid = await createTestGrid(db, { communityId: community.id, parentId: community.id, name: '苏州路第一网格', code: 'S1' })
    const worker = await createTestUser(db, { username: 'w9', name: '赵敏', gridIds: [grid.id] })
    const supervisor = await createTestUser(db, { username: 'boss2', name: '钱书记', role: 'supervisor', gridIds: [community.id] })
    const theirs = { ...issue(grid.id, worker.id, { reportedAt: NOW - DAY, title: '路灯不亮' }), hlc: serverHlc(NOW - DAY) }
    await db.transaction(async (tx) => {
      await putWholeRecords(tx, 'issues', [theirs])
      await putWholeRecords(tx, 'issueEvents', [{ ...issueEvent(theirs.id, 'reported', worker.id, {}, { at: theirs.reportedAt }), hlc: serverHlc(NOW - DAY) }])
    })
    return { issue: theirs, boss2: await login(app, 'boss2', supervisor.password, 'desk-2') }
  }

  it('answers one issue: the record, its board row, every event in server order, the names and its place in words', async () => {
    const res = await get(`/api/supervisor/issues/${fx.issues.ia.id}`)
    expect(res.status).toBe(200)
    const detail = consoleIssueDetailSchema.parse(res.body)
    expect(detail.issue).toMatchObject({ id: fx.issues.ia.id, title: '楼道堆放杂物', source: 'patrol' })
    expect(detail.summary).toMatchObject({ status: 'assigned', assigneeId: fx.w1.id, overdue: true, gridName: '第一网格第一微网格' })
    expect(detail.events.map((e) => e.type)).toEqual(['reported', 'assigned'])
    expect(detail.names).toMatchObject({ [fx.w1.id]: '王芳', [fx.supervisor.id]: '张书记' })
    // Reported at building 1's position: the place is the building, never the coordinates.
    expect(detail.place).toBe('阳光花园 1号楼')
    const closed = consoleIssueDetailSchema.parse((await get(`/api/supervisor/issues/${fx.issues.ib.id}`)).body)
    expect(closed.events.map((e) => e.type)).toEqual(['reported', 'assigned', 'accepted', 'resolved', 'rated', 'closed'])
    expect(closed.events.find((e) => e.type === 'resolved')?.data.note).toBe('已清理')
    expect(closed.place).toBeNull()
  })

  it('names the visit or patrol an issue came from: when, and for a visit the household', async () => {
    const fromPatrol = consoleIssueDetailSchema.parse((await get(`/api/supervisor/issues/${fx.issues.ia.id}`)).body)
    expect(fromPatrol.source).toEqual({ kind: 'patrol', id: fx.patrol.id, at: fx.patrol.startedAt, householdId: null, address: null, workerId: fx.w1.id })
    const v = fx.visit
    const fromVisit = { ...issue(v.gridId, fx.w1.id, { reportedAt: v.startedAt, title: '门口积水' }), source: 'visit' as const, sourceId: v.id, householdId: v.householdId, hlc: serverHlc(NOW - DAY) }
    await db.transaction((tx) => putWholeRecords(tx, 'issues', [fromVisit]))
    const detail = consoleIssueDetailSchema.parse((await get(`/api/supervisor/issues/${fromVisit.id}`)).body)
    const household = Object.values(fx.households).find((h) => h.id === v.householdId)!
    expect(detail.source).toEqual({ kind: 'visit', id: v.id, at: v.startedAt, householdId: v.householdId, address: household.address, workerId: fx.w1.id })
    // A resident's request has no record behind it.
    expect(consoleIssueDetailSchema.parse((await get(`/api/supervisor/issues/${fx.issues.ib.id}`)).body).source).toBeNull()
  })

  it('is scoped like the board: a supervisor sees only their community’s issues, another’s is 404 both ways', async () => {
    const { issue: theirs, boss2 } = await otherCommunity()
    const mine = await get(`/api/supervisor/issues/${theirs.id}`)
    expect(mine.status).toBe(404)
    expect(mine.body).toEqual({ error: 'issue_not_found', message: '没有这条事件，或它不在你管辖的网格内' })
    expect((await get(`/api/supervisor/issues/${theirs.id}`, boss2)).status).toBe(200)
    expect((await get(`/api/supervisor/issues/${fx.issues.ia.id}`, boss2)).status).toBe(404)
    const board2 = (await get('/api/supervisor/issues?status=all', boss2)).body.issues.map((i: { id: string }) => i.id)
    expect(board2).toEqual([theirs.id])
    const board = (await get('/api/supervisor/issues?status=all')).body.issues.map((i: { id: string }) => i.id)
    expect(board).not.toContain(theirs.id)
  })

  it('answers an unknown or malformed id 404 with a readable message, and a worker 403', async () => {
    for (const id of [uuidv7(), 'not-an-id', '123']) {
      const res = await get(`/api/supervisor/issues/${id}`)
      expect(res.status, id).toBe(404)
      expect(res.body.message, id).toMatch(/没有这条事件/)
    }
    const worker = await login(app, 'w1', fx.w1.password)
    expect((await get(`/api/supervisor/issues/${fx.issues.ia.id}`, worker)).status).toBe(403)
  })

  it('the default filter `active` keeps an issue waiting for 评价 (已办结) that `open` leaves out; 已销号 only under all', async () => {
    // ic: dispatched to 王芳, who accepts and resolves it.
    const sup = await login(app, 'boss', fx.supervisor.password, 'desk-boss')
    const w1 = await login(app, 'w1', fx.w1.password, 'phone-w1')
    const supClock = testClock('desk-boss')
    const wClock = testClock('phone-w1')
    const ic = fx.issues.ic.id
    const at = NOW - DAY + HOUR
    expect((await push(app, sup, [create('issueEvents', issueEvent(ic, 'assigned', fx.supervisor.id, { assigneeId: fx.w1.id }, { at }), supClock())], 'desk-boss'))[0].status).toBe('applied')
    const steps = [issueEvent(ic, 'accepted', fx.w1.id, {}, { at: at + HOUR }), issueEvent(ic, 'resolved', fx.w1.id, { note: '已修好' }, { at: at + 2 * HOUR })]
    for (const e of steps) expect((await push(app, w1, [create('issueEvents', e, wClock())], 'phone-w1'))[0].status).toBe('applied')

    const ids = async (status: string) => (await get(`/api/supervisor/issues?status=${status}`)).body.issues.map((i: { id: string }) => i.id)
    // Overdue open first, then waiting for 评价; the closed one only under 全部.
    expect(await ids('active')).toEqual([fx.issues.ia.id, ic])
    expect(await ids('open')).toEqual([fx.issues.ia.id])
    expect(await ids('all')).toEqual([fx.issues.ia.id, ic, fx.issues.ib.id])
  })

  it('催办: refused from a worker (also the assignee), taken from the supervisor, pulled by the assignee’s phone', async () => {
    const sup = await login(app, 'boss', fx.supervisor.password, 'desk-boss')
    const w1 = await login(app, 'w1', fx.w1.password, 'phone-w1')
    const w2 = await login(app, 'w2', fx.w2.password, 'phone-w2')
    const ia = fx.issues.ia.id
    const at = NOW - HOUR

    const byAssignee = issueEvent(ia, 'reminded', fx.w1.id, {}, { at })
    const [r1] = await push(app, w1, [create('issueEvents', byAssignee, testClock('phone-w1')())], 'phone-w1')
    expect(r1).toMatchObject({ status: 'rejected', code: 'event_not_allowed', params: { action: '催办' } })
    expect(describeRejection(r1)).toContain('催办')

    const byBoss = issueEvent(ia, 'reminded', fx.supervisor.id, { note: '居民又来电话了，请今天处理' }, { at })
    expect((await push(app, sup, [create('issueEvents', byBoss, testClock('desk-boss')())], 'desk-boss'))[0].status).toBe('applied')

    const detail = consoleIssueDetailSchema.parse((await get(`/api/supervisor/issues/${ia}`)).body)
    expect(detail.events.map((e) => e.type)).toEqual(['reported', 'assigned', 'reminded'])
    expect(detail.summary.status).toBe('assigned')

    // The assignee's phone gets it like every event of their issue; a worker of another grid does not.
    const pulled = (await pullAll(app, w1)).changes.filter((c) => c.entity === 'issueEvents').map((c) => c.id)
    expect(pulled).toContain(byBoss.id)
    expect(pulled).not.toContain(byAssignee.id)
    expect((await pullAll(app, w2)).changes.map((c) => c.id)).not.toContain(byBoss.id)
  })
})
