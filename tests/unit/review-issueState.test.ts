/** Defects found in review of the issue lifecycle, kept as regression tests. */
import { describe, expect, it } from 'vitest'
import { formatHlc } from '../../src/domain/hlc'
import { checkIssueEvent, deriveIssueState, type IssueEventLike } from '../../src/domain/issueState'
import { toIssueItem } from '../../src/features/issues/issues.models'
import type { Issue, IssueEvent } from '../../src/domain/entities'

let n = 0
function ev(type: IssueEventLike['type'], data: IssueEventLike['data'] = {}): IssueEventLike {
  n++
  const at = 1000 + n
  return { id: `e${String(n).padStart(4, '0')}`, type, actorId: 'w1', at, hlc: formatHlc({ wall: at, counter: 0, node: 'd' }), data }
}
const worker = { id: 'w1', role: 'worker' as const }

describe('review: escalation without data.level', () => {
  it('goes one level above the issue’s own level, and stops at street', () => {
    const events = [ev('reported')]
    for (const expected of ['grid', 'street'] as const) {
      const e = ev('escalated')
      expect(checkIssueEvent(events, e, worker, 'micro')).toBeNull()
      events.push(e)
      expect(deriveIssueState(events, 'micro')).toMatchObject({ level: expected, escalated: true, status: 'reported' })
    }
    expect(checkIssueEvent(events, ev('escalated'), worker, 'micro')).toMatch(/cannot be escalated further/)
  })

  it('moves the 7135 deadline of the issue list to the higher level', () => {
    const reportedAt = 1_763_880_000_000
    const issue = { id: 'i1', title: 't', category: 'other', level: 'micro', reportedAt } as unknown as Issue
    const events = [ev('reported'), ev('escalated')] as unknown as IssueEvent[]
    const item = toIssueItem({ issue, events, sync: 'synced' }, reportedAt)
    expect(item.level).toBe('grid')
    expect(item.dueAt).toBe(reportedAt + 3 * 86_400_000)
  })
})
