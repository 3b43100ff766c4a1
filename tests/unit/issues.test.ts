import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ValidationError, ensureDeviceId, type NewRecord } from '@/db'
import { countOverdueIssues, listIssueRows, recordIssueEvent, reportIssue, type IssueRow } from '@/db/issues'
import { checkIssueEvent } from '@/domain/issueRules'
import { deriveIssueState, orderIssueEvents } from '@/domain/issueState'
import type { Issue, IssueEvent } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { SEGMENTS, deadlineMessage, describeSaveError, draftToIssue, emptyDraft, fieldsOfValidationMessage, inSegment, toIssueItem } from '@/features/issues/issues.models'

const DAY = 86_400_000
const gridId = uuidv7()
const workerId = uuidv7()
let names = 0
let db: FullGridDb
let repo: Repository
let clock = 1_763_880_000_000

function newIssue(overrides: Partial<NewRecord<'issues'>> = {}): NewRecord<'issues'> {
  return { ...draftToIssue({ ...emptyDraft(gridId), title: '楼道堆放杂物', category: 'sanitation' }, workerId, clock), ...overrides }
}

beforeEach(async () => {
  db = new FullGridDb(`issues-test-${names++}`)
  await ensureDeviceId(db, () => 'phone1')
  repo = new Repository(db, { now: () => clock })
})
afterEach(async () => {
  await db.delete()
})

describe('reportIssue', () => {
  it('stores the issue, its reported event and one outbox entry for each, issue first', async () => {
    const { issue, event } = await reportIssue(db, repo, newIssue(), { actorId: workerId, at: clock, data: {} })
    expect(event).toMatchObject({ issueId: issue.id, type: 'reported', actorId: workerId, at: clock })
    const outbox = await db.outbox.toArray()
    expect(outbox.map((e) => [e.entity, e.recordId])).toEqual([
      ['issues', issue.id],
      ['issueEvents', event.id],
    ])
    expect(outbox[0].hlc < outbox[1].hlc).toBe(true)
  })

  it('stores nothing when the issue is invalid', async () => {
    const err = await reportIssue(db, repo, newIssue({ title: '' }), { actorId: workerId, at: clock, data: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect(await db.issues.count()).toBe(0)
    expect(await db.issueEvents.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })

  it('stores nothing when the event is invalid: the issue written before it is rolled back', async () => {
    const err = await reportIssue(db, repo, newIssue(), { actorId: 'not-a-uuid', at: clock, data: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect(await db.issues.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })
})

describe('listIssueRows', () => {
  async function report(title: string, at: number) {
    clock = at
    return reportIssue(db, repo, newIssue({ title, reportedAt: at }), { actorId: workerId, at, data: {} })
  }

  it('lists newest first, with events, and leaves out tombstones', async () => {
    await report('旧的', 1_000_000)
    const newer = await report('新的', 2_000_000)
    const gone = await report('删掉的', 3_000_000)
    await repo.remove('issues', gone.issue.id)
    const rows = await listIssueRows(db)
    expect(rows.map((r) => r.issue.title)).toEqual(['新的', '旧的'])
    expect(rows[0].events.map((e) => e.id)).toEqual([newer.event.id])
  })

  it('says synced only when neither the issue nor any of its events is queued or rejected', async () => {
    const { issue, event } = await report('井盖松动', 1_000_000)
    expect((await listIssueRows(db))[0].sync).toBe('pending')

    await db.outbox.where('recordId').equals(issue.id).delete()
    expect((await listIssueRows(db))[0].sync).toBe('pending') // the event is still queued

    const [entry] = await db.outbox.where('recordId').equals(event.id).toArray()
    await db.outbox.delete(entry.id)
    await db.rejected.add({ ...entry, reason: 'no', rejectedAt: 1 })
    expect((await listIssueRows(db))[0].sync).toBe('rejected')

    await db.rejected.clear()
    expect((await listIssueRows(db))[0].sync).toBe('synced')
  })
})

describe('toIssueItem', () => {
  const issue = { id: uuidv7(), hlc: 'x', deleted: false, ...newIssue({ reportedAt: 10 * DAY, level: 'grid' }) } as Issue
  const ev = (type: IssueEvent['type'], at: number, data: IssueEvent['data'] = {}): IssueEvent => ({
    id: uuidv7(), hlc: `h${at}`, deleted: false, issueId: issue.id, type, actorId: workerId, at, data,
  })
  const row = (events: IssueEvent[]): IssueRow => ({ issue, events: events.map((e, i) => ({ ...e, acceptedSeq: i + 1, pending: false, queued: false })), sync: 'synced' })

  it('derives the status from the events and the 7135 deadline from the level', () => {
    const item = toIssueItem(row([ev('reported', 10 * DAY)]), 11 * DAY)
    expect(item).toMatchObject({ status: 'reported', level: 'grid', dueAt: 13 * DAY, overdue: false })
    expect(toIssueItem(row([ev('reported', 10 * DAY)]), 13 * DAY + 1).overdue).toBe(true)
  })

  it('follows an escalation to the higher level, restarting the clock there, and has no deadline once resolved', () => {
    const escalated = toIssueItem(row([ev('reported', 10 * DAY), ev('escalated', 11 * DAY, { level: 'street' })]), 10 * DAY)
    expect(escalated).toMatchObject({ level: 'street', dueAt: 16 * DAY })
    const assignee = uuidv7()
    const resolved = toIssueItem(
      row([ev('reported', 10 * DAY), ev('assigned', 10 * DAY + 1, { assigneeId: assignee }), ev('accepted', 10 * DAY + 2), ev('resolved', 10 * DAY + 3, { note: '已清理' })]),
      20 * DAY,
    )
    expect(resolved).toMatchObject({ status: 'resolved', dueAt: null, overdue: false, done: true })
  })

  it('puts an item in the segments 我的 / 本网格 / 逾期 / 已办结', () => {
    const me = { id: workerId, worksIn: (g: string) => g === gridId }
    const open = toIssueItem(row([ev('reported', 10 * DAY)]), 14 * DAY)
    expect(SEGMENTS.filter((s) => inSegment(open, s, me))).toEqual(['mine', 'grid', 'overdue'])
    const other = { id: uuidv7(), worksIn: () => false }
    expect(SEGMENTS.filter((s) => inSegment(open, s, other))).toEqual(['overdue'])
  })

  it('tells the countdown and the lateness in words', () => {
    const item = toIssueItem(row([ev('reported', 10 * DAY)]), 10 * DAY)
    expect(deadlineMessage(item.deadline, 10 * DAY + 3_600_000)).toEqual({ key: 'issues.due.leftDays', params: { days: 2, hours: 23, minutes: 0 } })
    expect(deadlineMessage(item.deadline, 13 * DAY + 5 * 60_000)).toEqual({ key: 'issues.due.lateMinutes', params: { days: 0, hours: 0, minutes: 5 } })
  })
})

describe('describeSaveError', () => {
  it('names the fields of a Repository ValidationError by their labels, keeping the detail', () => {
    const err = new ValidationError('title: Too small: expected string to have >=1 characters; gridId: must be a UUID')
    expect(fieldsOfValidationMessage(err.message)).toEqual(['title', 'gridId'])
    const labels: Record<string, string> = { 'issues.field.title': '标题', 'issues.field.grid': '网格' }
    expect(describeSaveError(err, (k) => labels[k] ?? k)).toEqual({
      key: 'issues.errors.invalid',
      params: { fields: '标题、网格', detail: err.message },
    })
  })

  it('passes other errors on with their message', () => {
    expect(describeSaveError(new Error('disk'), (k) => k)).toEqual({ key: 'issues.errors.failed', params: { message: 'disk' } })
  })
})

describe('draftToIssue', () => {
  it('trims the text and keeps the type chosen (微心愿 = wish)', () => {
    const issue = draftToIssue({ ...emptyDraft(gridId), type: 'wish', title: ' 想要一台轮椅 ', category: 'micro_wish' }, workerId, 5)
    expect(issue).toMatchObject({ title: '想要一台轮椅', type: 'wish', source: 'resident', photoIds: [], reportedAt: 5, reportedBy: workerId })
  })
})

describe('issue events on the phone', () => {
  it('orders the phone’s own unsent events after the server’s history, and a server copy takes its place', async () => {
    const { issue, event: reported } = await reportIssue(db, repo, newIssue(), { actorId: workerId, at: clock, data: {} })
    // The server's history arrives: reported (1), then another worker's 接单 (2).
    const other = uuidv7()
    await db.issueEvents.put({ ...reported, acceptedSeq: 1 } as IssueEvent)
    await db.outbox.clear()
    clock += 1000
    const mine = await recordIssueEvent(db, repo, { issueId: issue.id, type: 'accepted', actorId: workerId, at: clock - 500, data: {} }, () => {})
    await db.issueEvents.put({ id: uuidv7(), hlc: '001763880000000-00000-server', deleted: false, issueId: issue.id, type: 'accepted', actorId: other, at: clock, data: {}, acceptedSeq: 2 } as IssueEvent)
    const [row] = await listIssueRows(db)
    const marks = new Map(row.events.map((e) => [e.id, e]))
    expect(marks.get(mine.id)).toMatchObject({ pending: true, queued: true })
    expect(orderIssueEvents(row.events).map((e) => e.actorId)).toEqual([workerId, other, workerId])
    // Someone else holds it: the phone's own 接单 no longer counts.
    expect(deriveIssueState(row.events, issue.level).assigneeId).toBe(other)
  })

  it('refuses inside the write transaction when the rules say no, and stores nothing', async () => {
    const { issue } = await reportIssue(db, repo, newIssue(), { actorId: workerId, at: clock, data: {} })
    const before = await db.outbox.count()
    await expect(recordIssueEvent(db, repo, { issueId: issue.id, type: 'closed', actorId: workerId, at: clock, data: {} }, (events) => {
      const v = checkIssueEvent(events, { id: '', hlc: '', type: 'closed', actorId: workerId, at: clock, data: {} }, { id: workerId, role: 'worker' }, issue)
      if (v) throw new Error(v.code)
    })).rejects.toThrow('event_wrong_state')
    expect(await db.outbox.count()).toBe(before)
  })

  it('counts open issues past their deadline for 今日', async () => {
    await reportIssue(db, repo, newIssue({ level: 'micro' }), { actorId: workerId, at: clock, data: {} })
    await reportIssue(db, repo, newIssue({ level: 'street' }), { actorId: workerId, at: clock, data: {} })
    expect(await countOverdueIssues(db, clock + 2 * DAY)).toBe(1)
    expect(await countOverdueIssues(db, clock + 6 * DAY)).toBe(2)
    expect(await countOverdueIssues(db, clock)).toBe(0)
  })
})
