import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DAY_MS, MINUTE_MS, deadlineDays, issueDeadline, splitDuration } from '../../src/domain/deadlines'
import { applyIssueEvent, emptyIssueState, type IssueState } from '../../src/domain/issueState'
import type { IssueEvent } from '../../src/domain/entities'

const T0 = 1_763_880_000_000
const LEVELS = ['micro', 'grid', 'street'] as const

function stateAfter(steps: [IssueEvent['type'], number, IssueEvent['data']?][], level: (typeof LEVELS)[number]): IssueState {
  let s = emptyIssueState()
  for (const [type, at, data] of steps) s = applyIssueEvent(s, { id: String(at), type, actorId: 'u', at, hlc: '', data: data ?? {} }, level)
  return s
}

describe('7135 deadlines', () => {
  it('gives micro 1 day, grid 3, street 5, from the report', () => {
    expect(LEVELS.map(deadlineDays)).toEqual([1, 3, 5])
    const s = stateAfter([['reported', T0]], 'grid')
    expect(issueDeadline({ level: 'grid', reportedAt: T0 }, s, T0).dueAt).toBe(T0 + 3 * DAY_MS)
  })

  it('re-sets on escalation: the higher level’s days from the escalation', () => {
    const s = stateAfter([['reported', T0], ['escalated', T0 + 20 * 3600_000, { level: 'grid' }]], 'micro')
    const d = issueDeadline({ level: 'micro', reportedAt: T0 }, s, T0)
    expect(d).toMatchObject({ level: 'grid', days: 3, startAt: T0 + 20 * 3600_000, dueAt: T0 + 20 * 3600_000 + 3 * DAY_MS })
  })

  it('counts down while open, stops at 办结, and says whether it was on time', () => {
    const open = stateAfter([['reported', T0], ['accepted', T0 + 1]], 'micro')
    expect(issueDeadline({ level: 'micro', reportedAt: T0 }, open, T0 + DAY_MS + 1)).toMatchObject({ overdue: true, remainingMs: -1, onTime: null })
    const done = stateAfter([['reported', T0], ['accepted', T0 + 1], ['resolved', T0 + DAY_MS - 5, { note: 'x' }]], 'micro')
    expect(issueDeadline({ level: 'micro', reportedAt: T0 }, done, T0 + 9 * DAY_MS)).toMatchObject({ overdue: false, remainingMs: 5, onTime: true })
  })

  it('runs the 7-minute arrival clock for urgent matters only', () => {
    const s = stateAfter([['reported', T0], ['assigned', T0 + 60_000, { assigneeId: 'w' }]], 'micro')
    expect(issueDeadline({ level: 'micro', reportedAt: T0 }, s, T0 + 8 * MINUTE_MS).arrival).toBeNull()
    expect(issueDeadline({ level: 'micro', reportedAt: T0, urgent: true }, s, T0 + 8 * MINUTE_MS).arrival).toMatchObject({ dueAt: T0 + 7 * MINUTE_MS, overdue: true })
    const arrived = applyIssueEvent(s, { id: 'a', type: 'arrived', actorId: 'w', at: T0 + 6 * MINUTE_MS, hlc: '', data: {} })
    expect(issueDeadline({ level: 'micro', reportedAt: T0, urgent: true }, arrived, T0 + 9 * MINUTE_MS).arrival).toMatchObject({ overdue: false, onTime: true })
  })

  it('property: due = start + days × 24 h; escalation never brings it earlier; overdue ⇔ open and past due', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LEVELS),
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 10 * DAY_MS }), up: fc.boolean() }), { maxLength: 4 }),
        fc.integer({ min: 0, max: 30 * DAY_MS }),
        fc.boolean(),
        (level, escalations, nowOffset, resolve) => {
          let s = stateAfter([['reported', T0]], level)
          let at = T0
          let lastDue = issueDeadline({ level, reportedAt: T0 }, s, T0).dueAt
          for (const e of escalations) {
            const from = s.level ?? level
            if (from === 'street') break
            at += e.dt
            s = applyIssueEvent(s, { id: String(at), type: 'escalated', actorId: 'u', at, hlc: '', data: e.up ? { level: 'street' } : {} }, level)
            const d = issueDeadline({ level, reportedAt: T0 }, s, T0)
            expect(d.dueAt).toBeGreaterThan(lastDue)
            expect(d.dueAt - d.startAt).toBe(deadlineDays(d.level) * DAY_MS)
            lastDue = d.dueAt
          }
          if (resolve) s = applyIssueEvent(applyIssueEvent(s, { id: 'x', type: 'accepted', actorId: 'u', at, hlc: '', data: {} }), { id: 'y', type: 'resolved', actorId: 'u', at: at + 1, hlc: '', data: { note: 'x' } })
          const now = T0 + nowOffset
          const d = issueDeadline({ level, reportedAt: T0 }, s, now)
          expect(d.overdue).toBe(!resolve && now > d.dueAt)
          expect(d.remainingMs).toBe(d.dueAt - (resolve ? at + 1 : now))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('splits a span for words', () => {
    expect(splitDuration(2 * DAY_MS + 3 * 3600_000 + 5 * MINUTE_MS)).toEqual({ days: 2, hours: 3, minutes: 5 })
    expect(splitDuration(-90 * MINUTE_MS)).toEqual({ days: 0, hours: 1, minutes: 30 })
  })
})
