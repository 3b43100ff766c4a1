/**
 * Property: the phone and the server judge issue events alike. Random sequences of events by
 * random people (a supervisor, two workers of the issue's grid, a worker of another grid), with
 * random data and random `at` (in the past, before the report, far in the future), are offered
 * to the phone's check (the function the issue page uses before it writes, plus the record schema)
 * and to the server's real push judge (server/sync/judgeMutation over an in-memory working set).
 * Each event must be allowed by both or refused by both, and both must derive the same state.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { judgeMutation } from '../../server/sync/judgeMutation'
import { emptyWorkingSet, rowKey, type WorkingSet } from '../../server/sync/workingSet'
import type { Scope } from '../../server/sync/scope'
import { safeParseRecord, type Issue, type IssueEvent } from '../../src/domain/entities'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import { checkIssueEvent, worksInGrid, type IssueActor } from '../../src/domain/issueRules'
import { deriveIssueState, ISSUE_EVENT_TYPES, type IssueEventLike } from '../../src/domain/issueState'
import type { Mutation } from '../../src/domain/sync'

const NOW = 1_763_880_000_000
const COMMUNITY = uuidv7(NOW - 9e6)
const GRID_A = uuidv7(NOW - 8e6)
const MICRO_A = uuidv7(NOW - 7e6)
const GRID_B = uuidv7(NOW - 6e6)
const PARENT = new Map([[MICRO_A, GRID_A], [GRID_A, COMMUNITY], [GRID_B, COMMUNITY]])

interface Person { id: string; role: 'worker' | 'supervisor'; gridIds: string[]; device: string }
const people: Person[] = [
  { id: uuidv7(NOW - 5e6), role: 'supervisor', gridIds: [COMMUNITY], device: 'sup' },
  { id: uuidv7(NOW - 4e6), role: 'worker', gridIds: [GRID_A], device: 'wa1' },
  { id: uuidv7(NOW - 3e6), role: 'worker', gridIds: [GRID_A], device: 'wa2' },
  { id: uuidv7(NOW - 2e6), role: 'worker', gridIds: [GRID_B], device: 'wb' },
]

/** The server's scope of a person, as server/sync/scope.loadScope makes it. */
function scopeOf(p: Person): Scope {
  // A supervisor's scope is the grid tree under their gridIds (their community), as a worker's is.
  const tree = new Set(p.gridIds)
  for (let grew = true; grew; ) {
    grew = false
    for (const [child, parent] of PARENT) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child)
        grew = true
      }
    }
  }
  // Assignees here are workers of the issue's own grid, so no assignment widens a scope.
  return { userId: p.id, role: p.role, all: false, gridIds: tree, communityIds: new Set([COMMUNITY]), assignedIssueIds: new Set(), fingerprint: p.id }
}

const step = fc.record({
  who: fc.integer({ min: 0, max: people.length - 1 }),
  type: fc.constantFrom(...ISSUE_EVENT_TYPES),
  assignee: fc.integer({ min: 1, max: 2 }),
  note: fc.constantFrom('', '已处理', undefined),
  rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  level: fc.option(fc.constantFrom('micro', 'grid', 'street' as const), { nil: undefined }),
  at: fc.constantFrom('now', 'past', 'beforeReport', 'farFuture', 'slightlyAhead'),
})

function atOf(kind: string, reportedAt: number, now: number): number {
  switch (kind) {
    case 'past': return reportedAt + 60_000
    case 'beforeReport': return reportedAt - 60_000
    case 'farFuture': return now + 30 * 86_400_000
    case 'slightlyAhead': return now + 5 * 60_000
    default: return now
  }
}

describe('issue rules: phone and server agree', () => {
  it('no event the server refuses is accepted on the phone, and the other way round', () => {
    fc.assert(
      fc.property(fc.constantFrom('micro', 'grid', 'street' as const), fc.array(step, { minLength: 1, maxLength: 14 }), (level, steps) => {
        const reporter = people[1]
        const reportedAt = NOW - 3_600_000
        const issue: Issue = {
          id: uuidv7(reportedAt), hlc: formatHlc({ wall: reportedAt, counter: 0, node: reporter.device }), deleted: false,
          gridId: MICRO_A, householdId: null, type: 'issue', source: 'patrol', category: 'sanitation', title: '垃圾堆放',
          description: '', location: null, photoIds: [], level, reportedAt, reportedBy: reporter.id,
        }
        const ws: WorkingSet = emptyWorkingSet()
        ws.rows.set(rowKey('issues', issue.id), {
          entity: 'issues', id: issue.id, data: issue as unknown as Record<string, unknown>, fieldHlc: {},
          gridId: MICRO_A, ownerId: reporter.id, stored: true, dirty: false,
        })
        const phone: IssueEventLike[] = []
        let now = NOW
        let counter = 0
        const offer = (p: Person, type: IssueEvent['type'], data: IssueEvent['data'], at: number) => {
          now += 1000
          const hlc = formatHlc({ wall: now, counter: counter++, node: p.device })
          const event: IssueEvent = { id: uuidv7(now), hlc, deleted: false, issueId: issue.id, type, actorId: p.id, at, data }
          // The phone: the rule the issue page checks before writing, and the schema the Repository validates.
          const actor: IssueActor = { id: p.id, role: p.role, inIssueGrid: worksInGrid(p.gridIds, issue.gridId, (g) => PARENT.get(g)) }
          const onPhone = checkIssueEvent(phone, event, actor, issue, { now }) === null && safeParseRecord('issueEvents', event).ok
          const m: Mutation = { id: uuidv7(now), entity: 'issueEvents', recordId: event.id, op: 'put', fields: { ...event }, hlc }
          const result = judgeMutation(ws, scopeOf(p), m, now, p.device)
          expect(result.status === 'applied', `${p.role} ${type} ${JSON.stringify(data)} at ${at - now}: ${result.reason ?? ''}`).toBe(onPhone)
          if (result.status === 'applied') {
            const stored = ws.rows.get(rowKey('issueEvents', event.id))!.data as unknown as IssueEventLike
            expect(stored.acceptedSeq).toBe(phone.length + 1)
            phone.push(stored)
          }
        }
        offer(reporter, 'reported', {}, reportedAt)
        for (const s of steps) {
          const data: IssueEvent['data'] = {}
          if (s.type === 'assigned') data.assigneeId = people[s.assignee].id
          if (s.note !== undefined) data.note = s.note
          if (s.rating !== undefined) data.rating = s.rating
          if (s.level !== undefined) data.level = s.level
          offer(people[s.who], s.type, data, atOf(s.at, reportedAt, now + 1000))
        }
        const serverEvents = ws.issueEvents.get(issue.id) ?? []
        expect(deriveIssueState(phone, level)).toEqual(deriveIssueState(serverEvents, level))
      }),
      { numRuns: 300 },
    )
  })

  it('a worker’s reopen stamped far ahead or back-dated neither reopens a closed issue nor voids the supervisor’s later events', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000 * 30, max: 86_400_000 * 365 }), (offset) => {
        const [sup, worker] = people
        const reportedAt = NOW - 86_400_000
        const issue = { id: uuidv7(reportedAt), gridId: MICRO_A, level: 'grid' as const, reportedAt, reportedBy: worker.id }
        const ws = emptyWorkingSet()
        ws.rows.set(rowKey('issues', issue.id), { entity: 'issues', id: issue.id, data: issue, fieldHlc: {}, gridId: MICRO_A, ownerId: worker.id, stored: true, dirty: false })
        let t = reportedAt
        const push = (p: Person, type: IssueEvent['type'], data: IssueEvent['data'], at?: number) => {
          t += 60_000
          const hlc = formatHlc({ wall: t, counter: 0, node: p.device })
          const event = { id: uuidv7(t), hlc, deleted: false, issueId: issue.id, type, actorId: p.id, at: at ?? t, data }
          return judgeMutation(ws, scopeOf(p), { id: uuidv7(t), entity: 'issueEvents', recordId: event.id, op: 'put', fields: event, hlc }, NOW, p.device)
        }
        push(worker, 'reported', {}, reportedAt)
        push(worker, 'accepted', {})
        push(worker, 'resolved', { note: '已处理' })
        push(sup, 'rated', { rating: 4 })
        push(sup, 'closed', {})
        const reopen = push(worker, 'reopened', {}, NOW + offset)
        expect(reopen.status).toBe('rejected')
        const state = deriveIssueState(ws.issueEvents.get(issue.id)!, 'grid')
        expect(state).toMatchObject({ status: 'closed', rating: 4, reopenCount: 0 })
      }),
      { numRuns: 100 },
    )
  })
})
