import { describe, expect, it } from 'vitest'
import { formatHlc } from '../../src/domain/hlc'
import {
  allowedNextEvents, checkIssueEvent, deriveIssueState, type IssueActor, type IssueEventLike,
} from '../../src/domain/issueState'
import type { IssueEvent } from '../../src/domain/entities'

const worker: IssueActor = { id: 'w1', role: 'worker' }
const other: IssueActor = { id: 'w2', role: 'worker' }
const sup: IssueActor = { id: 's1', role: 'supervisor' }

let n = 0
function ev(type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}, at = 1000 + n): IssueEventLike {
  n++
  return { id: `e${String(n).padStart(4, '0')}`, type, actorId, at, hlc: formatHlc({ wall: at, counter: 0, node: 'd' }), data }
}

/** Events in order, each checked against the ones before it; throws on the first refused. */
function run(steps: [IssueEvent['type'], IssueActor, IssueEvent['data']?][]): IssueEventLike[] {
  const events: IssueEventLike[] = []
  for (const [type, actor, data] of steps) {
    const e = ev(type, actor.id, data)
    const problem = checkIssueEvent(events, e, actor)
    if (problem) throw new Error(`${type}: ${problem}`)
    events.push(e)
  }
  return events
}

describe('issue state', () => {
  it('walks the whole lifecycle: reported → assigned → accepted → arrived → resolved → rated → closed', () => {
    const events = run([
      ['reported', worker],
      ['assigned', sup, { assigneeId: 'w1' }],
      ['accepted', worker],
      ['arrived', worker],
      ['progress', worker, { note: '已联系物业' }],
      ['resolved', worker],
      ['rated', worker, { rating: 5 }],
      ['closed', sup],
    ])
    const s = deriveIssueState(events)
    expect(s).toMatchObject({ status: 'closed', assigneeId: 'w1', rating: 5, eventCount: 8 })
    expect(s.arrivedAt).not.toBeNull()
  })

  it('lets a wish be claimed (accepted from reported) and fulfilled (resolved)', () => {
    const s = deriveIssueState(run([['reported', sup], ['accepted', other], ['resolved', other]]))
    expect(s).toMatchObject({ status: 'resolved', assigneeId: 'w2' })
  })

  it('refuses steps out of order with a readable reason', () => {
    const reported = run([['reported', worker]])
    expect(checkIssueEvent(reported, ev('rated', 'w1', { rating: 3 }), worker)).toMatch(/cannot record "rated" while the issue is reported/)
    expect(checkIssueEvent(reported, ev('closed', 's1'), sup)).toMatch(/rated/)
    expect(checkIssueEvent([], ev('assigned', 's1', { assigneeId: 'w1' }), sup)).toMatch(/not yet reported/)
    expect(checkIssueEvent(reported, ev('reported', 'w1'), worker)).toMatch(/already reported/)
  })

  it('keeps dispatch and closing for supervisors, accepting for the assignee', () => {
    const reported = run([['reported', worker]])
    expect(checkIssueEvent(reported, ev('assigned', 'w1', { assigneeId: 'w1' }), worker)).toMatch(/supervisor/)
    expect(checkIssueEvent(reported, ev('assigned', 's1', {}), sup)).toMatch(/assigneeId/)
    const assigned = run([['reported', worker], ['assigned', sup, { assigneeId: 'w1' }]])
    expect(checkIssueEvent(assigned, ev('accepted', 'w2'), other)).toMatch(/only the assignee/)
    expect(checkIssueEvent(assigned, ev('accepted', 'w1'), worker)).toBeNull()
    const rated = run([['reported', worker], ['accepted', worker], ['resolved', worker], ['rated', worker, { rating: 4 }]])
    expect(checkIssueEvent(rated, ev('closed', 'w1'), worker)).toMatch(/only a supervisor/)
    expect(checkIssueEvent(rated, ev('closed', 's1'), sup)).toBeNull()
  })

  it('requires a rating on rated', () => {
    const resolved = run([['reported', worker], ['accepted', worker], ['resolved', worker]])
    expect(checkIssueEvent(resolved, ev('rated', 'w1', {}), worker)).toMatch(/rating/)
  })

  it('escalates upwards only, back to dispatch', () => {
    const events = run([['reported', worker], ['assigned', sup, { assigneeId: 'w1' }]])
    expect(checkIssueEvent(events, ev('escalated', 'w1', { level: 'micro' }), worker, 'micro')).toMatch(/higher level/)
    const e = ev('escalated', 'w1', { level: 'street' })
    expect(checkIssueEvent(events, e, worker, 'micro')).toBeNull()
    const s = deriveIssueState([...events, e])
    expect(s).toMatchObject({ status: 'reported', level: 'street', escalated: true, assigneeId: null })
  })

  it('reopens a closed issue to its assignee', () => {
    const events = run([
      ['reported', worker], ['accepted', worker], ['resolved', worker], ['rated', worker, { rating: 2 }], ['closed', sup], ['reopened', sup],
    ])
    expect(deriveIssueState(events)).toMatchObject({ status: 'assigned', assigneeId: 'w1', reopenCount: 1, rating: null })
  })

  it('judges an event against the events that sort before it, not the ones stored after', () => {
    const reported = ev('reported', 'w1', {}, 100)
    const resolvedLater = ev('resolved', 'w1', {}, 300)
    const acceptedLater = ev('accepted', 'w1', {}, 200)
    // "accepted" at 200 arrives after "resolved" at 300 was stored: judged on [reported] only
    expect(checkIssueEvent([reported, resolvedLater], acceptedLater, worker)).toBeNull()
    // "rated" at 150 sorts before the acceptance: refused
    expect(checkIssueEvent([reported, acceptedLater, resolvedLater], ev('rated', 'w1', { rating: 5 }, 150), worker)).toMatch(/reported/)
  })

  it('derives the same state whatever order the events are listed in, skipping ones that do not fit', () => {
    const events = run([['reported', worker], ['assigned', sup, { assigneeId: 'w1' }], ['accepted', worker], ['resolved', worker]])
    const stray = ev('closed', 's1')
    const a = deriveIssueState([...events, stray])
    const b = deriveIssueState([stray, ...[...events].reverse()])
    expect(a).toEqual(b)
    expect(a.status).toBe('resolved')
    expect(deriveIssueState([])).toMatchObject({ status: 'none' })
  })

  it('offers the next steps a person may take', () => {
    const s = deriveIssueState(run([['reported', worker], ['assigned', sup, { assigneeId: 'w1' }]]))
    expect(allowedNextEvents(s, worker).sort()).toEqual(['accepted', 'arrived', 'escalated', 'progress', 'resolved'])
    expect(allowedNextEvents(s, sup)).toContain('assigned')
  })
})
