import { describe, expect, it } from 'vitest'
import { formatHlc } from '../../src/domain/hlc'
import { deriveIssueState, foldedEvents, nextAcceptedSeq, orderIssueEvents, type IssueEventLike } from '../../src/domain/issueState'
import {
  allowedIssueActions, checkIssueEvent, checkIssueRecordChange, worksInGrid, type IssueActor, type IssueFacts,
} from '../../src/domain/issueRules'
import type { IssueEvent } from '../../src/domain/entities'

const T0 = 1_763_880_000_000
const worker: IssueActor = { id: 'w1', role: 'worker', inIssueGrid: true }
const other: IssueActor = { id: 'w2', role: 'worker', inIssueGrid: true }
const outsider: IssueActor = { id: 'w3', role: 'worker', inIssueGrid: false }
const sup: IssueActor = { id: 's1', role: 'supervisor', inIssueGrid: false }
const facts: IssueFacts = { level: 'grid', reportedAt: T0, reportedBy: 'w1' }

let n = 0
function ev(type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}, at = T0 + 1000 * ++n): IssueEventLike {
  return { id: `e${String(n).padStart(4, '0')}`, type, actorId, at, hlc: formatHlc({ wall: at, counter: 0, node: 'd' }), data }
}

/** Events judged one by one as the server would, each stamped with its acceptedSeq; throws on the first refused. */
function run(steps: [IssueEvent['type'], IssueActor, IssueEvent['data']?][]): IssueEventLike[] {
  const events: IssueEventLike[] = []
  for (const [type, actor, data] of steps) {
    const e = ev(type, actor.id, data)
    const v = checkIssueEvent(events, e, actor, facts, { now: e.at })
    if (v) throw new Error(`${type}: ${v.reason}`)
    events.push({ ...e, acceptedSeq: nextAcceptedSeq(events) })
  }
  return events
}

describe('issue lifecycle', () => {
  it('walks reported → assigned → accepted → arrived → progress → resolved → rated → closed', () => {
    const events = run([
      ['reported', worker], ['assigned', sup, { assigneeId: 'w2' }], ['accepted', other], ['arrived', other],
      ['progress', other, { note: '已联系物业' }], ['resolved', other, { note: '已清理' }], ['rated', sup, { rating: 5 }], ['closed', sup],
    ])
    expect(deriveIssueState(events, 'grid')).toMatchObject({ status: 'closed', assigneeId: 'w2', rating: 5, eventCount: 8 })
  })

  it('lets a grid worker take an unassigned issue at once (接单 without 派单) and a wish be claimed for a volunteer', () => {
    expect(deriveIssueState(run([['reported', worker], ['accepted', other]]))).toMatchObject({ status: 'accepted', assigneeId: 'w2' })
    const wish = deriveIssueState(run([['reported', worker], ['accepted', sup, { claimant: { name: '李志愿', phone: '13900000000' } }]]))
    expect(wish).toMatchObject({ status: 'accepted', assigneeId: 's1', claimant: { name: '李志愿' } })
  })

  it('refuses a 销号 without 办结 and a rating before it, with the state in Chinese', () => {
    const events = run([['reported', worker], ['accepted', worker]])
    expect(checkIssueEvent(events, ev('closed', 's1'), sup, facts)).toMatchObject({ code: 'event_wrong_state', params: { status: '处理中', action: '销号' } })
    expect(checkIssueEvent(events, ev('rated', 's1', { rating: 4 }), sup, facts)?.code).toBe('event_wrong_state')
  })
})

describe('who may send', () => {
  const reported = () => run([['reported', worker]])
  it('only a supervisor dispatches, rates, closes and reopens', () => {
    expect(checkIssueEvent(reported(), ev('assigned', 'w1', { assigneeId: 'w2' }), worker, facts)).toMatchObject({ code: 'event_not_allowed', params: { action: '派单' } })
    const resolved = run([['reported', worker], ['accepted', worker], ['resolved', worker, { note: '好了' }]])
    expect(checkIssueEvent(resolved, ev('rated', 'w1', { rating: 5 }), worker, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(resolved, ev('reopened', 'w1'), worker, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(resolved, ev('rated', 's1', { rating: 5 }), sup, facts)).toBeNull()
    expect(checkIssueEvent(resolved, ev('reopened', 's1'), sup, facts)).toBeNull()
  })

  it('到场 and 办结 by the assignee alone; escalation by the assignee or a supervisor', () => {
    const held = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }], ['accepted', other]])
    expect(checkIssueEvent(held, ev('arrived', 's1'), sup, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(held, ev('resolved', 's1', { note: 'x' }), sup, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(held, ev('resolved', 'w1', { note: 'x' }), worker, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(held, ev('escalated', 'w1', { level: 'street' }), worker, facts)?.code).toBe('event_not_allowed')
    expect(checkIssueEvent(held, ev('escalated', 'w2', { level: 'street' }), other, facts)).toBeNull()
    expect(checkIssueEvent(held, ev('escalated', 's1', { level: 'street' }), sup, facts)).toBeNull()
  })

  it('a worker takes only an unassigned issue of their own grid; the second 接单 reads 已由 X 接单', () => {
    const events = reported()
    expect(checkIssueEvent(events, ev('accepted', 'w3'), outsider, facts)?.code).toBe('event_not_allowed')
    const taken = run([['reported', worker], ['accepted', worker]])
    expect(checkIssueEvent(taken, ev('accepted', 'w2'), other, facts, { nameOf: (id) => (id === 'w1' ? '张伟' : undefined) }))
      .toMatchObject({ code: 'already_accepted', params: { name: '张伟' } })
    const dispatched = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }]])
    expect(checkIssueEvent(dispatched, ev('accepted', 'w1'), worker, facts)?.code).toBe('event_not_allowed')
  })

  it('shows only the buttons the rules allow', () => {
    const events = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }]])
    expect(allowedIssueActions(events, other, facts, T0 + 10_000)).toEqual(['accepted', 'arrived', 'progress', 'escalated'])
    expect(allowedIssueActions(events, worker, facts, T0 + 10_000)).toEqual([])
    expect(allowedIssueActions(events, sup, facts, T0 + 10_000)).toEqual(['assigned', 'progress', 'escalated', 'reminded'])
  })

  it('undeleting follows the rule of deleting; only a supervisor lowers the level', () => {
    const before = { level: 'grid' as const, deleted: true, reportedBy: 'w1' }
    expect(checkIssueRecordChange(before, { level: 'grid', deleted: false }, other)?.code).toBe('event_not_allowed')
    expect(checkIssueRecordChange(before, { level: 'grid', deleted: false }, worker)).toBeNull()
    expect(checkIssueRecordChange(before, { level: 'grid', deleted: false }, sup)).toBeNull()
    const live = { ...before, deleted: false }
    expect(checkIssueRecordChange(live, { level: 'micro', deleted: false }, worker)?.code).toBe('event_not_allowed')
    expect(checkIssueRecordChange(live, { level: 'micro', deleted: false }, sup)).toBeNull()
    expect(checkIssueRecordChange(live, { level: 'street', deleted: false }, worker)).toBeNull()
  })

  it('knows a worker of a grid works in its micro-grids', () => {
    const parent = new Map([['micro1', 'grid1'], ['grid1', 'community']])
    expect(worksInGrid(['grid1'], 'micro1', (g) => parent.get(g))).toBe(true)
    expect(worksInGrid(['grid2'], 'micro1', (g) => parent.get(g))).toBe(false)
  })
})

describe('history in server order', () => {
  it('refuses an event stamped far ahead of the server or before the report (event_time)', () => {
    const closed = run([['reported', worker], ['accepted', worker], ['resolved', worker, { note: 'x' }], ['rated', sup, { rating: 3 }], ['closed', sup]])
    const now = T0 + 100_000
    expect(checkIssueEvent(closed, ev('reopened', 's1', {}, now + 11 * 60_000), sup, facts, { now })?.code).toBe('event_time')
    expect(checkIssueEvent(closed, ev('reopened', 's1', {}, T0 - 1), sup, facts, { now })?.code).toBe('event_time')
    expect(checkIssueEvent(closed, ev('reopened', 's1', {}, now + 9 * 60_000), sup, facts, { now })).toBeNull()
  })

  it('folds by acceptedSeq, not by `at`: a back-dated reopen accepted last cannot void earlier steps', () => {
    const events = run([['reported', worker], ['accepted', worker], ['resolved', worker, { note: 'x' }], ['rated', sup, { rating: 3 }], ['closed', sup]])
    // A reopen that claims to have happened right after the report, accepted after the close.
    const reopen = { ...ev('reopened', 's1', {}, T0 + 1), acceptedSeq: 6 }
    const state = deriveIssueState([...events, reopen], 'grid')
    expect(state.status).toBe('accepted')
    expect(state.reopenCount).toBe(1)
    expect(orderIssueEvents([reopen, ...events]).map((e) => e.type)).toEqual(['reported', 'accepted', 'resolved', 'rated', 'closed', 'reopened'])
  })

  it('puts the phone’s pending events after the accepted ones and skips one that no longer fits', () => {
    const events = run([['reported', worker], ['accepted', other]])
    const mine = { ...ev('accepted', 'w1', {}, T0 + 1), pending: true }
    const folded = foldedEvents([mine, ...events], 'grid')
    expect(folded.map((f) => [f.event.type, f.fits])).toEqual([['reported', true], ['accepted', true], ['accepted', false]])
    expect(deriveIssueState([mine, ...events]).assigneeId).toBe('w2')
  })

  it('orders unsequenced older events first, by time, and numbers the next after them', () => {
    const legacy = [ev('reported', 'w1', {}, T0), ev('accepted', 'w1', {}, T0 + 5)]
    expect(nextAcceptedSeq(legacy)).toBe(3)
    const next = { ...ev('resolved', 'w1', { note: 'x' }, T0 + 2), acceptedSeq: 3 }
    expect(orderIssueEvents([next, ...legacy]).map((e) => e.type)).toEqual(['reported', 'accepted', 'resolved'])
  })

  it('escalates one level at a time without data.level and stops at street', () => {
    const events = run([['reported', worker], ['escalated', sup]])
    expect(deriveIssueState(events, 'grid')).toMatchObject({ level: 'street', escalated: true, status: 'reported' })
    expect(checkIssueEvent(events, ev('escalated', 's1'), sup, facts)?.code).toBe('event_wrong_state')
  })
})
