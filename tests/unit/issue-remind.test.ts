/**
 * 催办 (`reminded`): a supervisor presses whoever holds an open issue. The rule lives in
 * src/domain/issueRules (WHO_MAY_SEND, allowedIssueActions), the same on the console and the server.
 */
import { describe, expect, it } from 'vitest'
import { formatHlc } from '../../src/domain/hlc'
import { deriveIssueState, nextAcceptedSeq, type IssueEventLike } from '../../src/domain/issueState'
import { allowedIssueActions, checkIssueEvent, type IssueActor, type IssueFacts } from '../../src/domain/issueRules'
import type { IssueEvent } from '../../src/domain/entities'

const T0 = 1_763_880_000_000
const worker: IssueActor = { id: 'w1', role: 'worker', inIssueGrid: true }
const other: IssueActor = { id: 'w2', role: 'worker', inIssueGrid: true }
const sup: IssueActor = { id: 's1', role: 'supervisor', inIssueGrid: false }
const facts: IssueFacts = { level: 'grid', reportedAt: T0, reportedBy: 'w1' }

let n = 0
function ev(type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}): IssueEventLike {
  const at = T0 + 1000 * ++n
  return { id: `e${String(n).padStart(4, '0')}`, type, actorId, at, hlc: formatHlc({ wall: at, counter: 0, node: 'd' }), data }
}

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

const now = () => T0 + 1000 * (n + 1)

describe('催办 (reminded)', () => {
  it('a supervisor may remind the assignee of a dispatched or accepted issue; the status stays, the reminder is counted', () => {
    const assigned = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }]])
    expect(allowedIssueActions(assigned, sup, facts, now())).toContain('reminded')
    const reminded = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }], ['reminded', sup, { note: '请今天处理' }], ['accepted', other], ['reminded', sup]])
    const state = deriveIssueState(reminded, 'grid')
    expect(state).toMatchObject({ status: 'accepted', assigneeId: 'w2', remindCount: 2, remindedAt: reminded[4].at })
  })

  it('a worker may not remind — neither the assignee nor a colleague — and the refusal names the action', () => {
    const assigned = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }]])
    expect(allowedIssueActions(assigned, other, facts, now())).not.toContain('reminded')
    expect(allowedIssueActions(assigned, worker, facts, now())).not.toContain('reminded')
    expect(checkIssueEvent(assigned, ev('reminded', 'w1'), worker, facts)).toMatchObject({ code: 'event_not_allowed', params: { action: '催办' } })
  })

  it('nobody is reminded before 派单 or after 办结, and a supervisor holding the issue does not remind themself', () => {
    const reported = run([['reported', worker]])
    expect(allowedIssueActions(reported, sup, facts, now())).not.toContain('reminded')
    expect(checkIssueEvent(reported, ev('reminded', 's1'), sup, facts)).toMatchObject({ code: 'event_wrong_state', params: { status: '待派单', action: '催办' } })
    const resolved = run([['reported', worker], ['accepted', worker], ['resolved', worker, { note: '好了' }]])
    expect(allowedIssueActions(resolved, sup, facts, now())).not.toContain('reminded')
    const heldBySup = run([['reported', worker], ['accepted', sup]])
    expect(checkIssueEvent(heldBySup, ev('reminded', 's1'), sup, facts)?.code).toBe('event_not_allowed')
  })

  it('a new 派单 clears the mark: the reminder pressed the previous holder', () => {
    const events = run([['reported', worker], ['assigned', sup, { assigneeId: 'w2' }], ['reminded', sup], ['assigned', sup, { assigneeId: 'w1' }]])
    expect(deriveIssueState(events, 'grid')).toMatchObject({ assigneeId: 'w1', remindedAt: null, remindCount: 0 })
  })
})
