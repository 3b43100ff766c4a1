/**
 * Judge one pushed mutation against the working set (no database access here) and, when it is
 * applied, change the working set. Steps, in order; the first that fails is the reason:
 *
 *  1. A mutation id applied before, or earlier in this batch → `duplicate`.
 *  2. The HLC stamp may be at most MAX_FUTURE_DRIFT_MS ahead of the server's clock.
 *  3. Role: users only by admin; grids, buildings, checklists only by supervisor or admin.
 *  4. Merge (src/domain/merge): fields known and valid, immutable fields untouched, field LWW.
 *  5. Scope: a worker may only change records of their grids (or records they own), may not
 *     move a record out to, or create one in, a grid outside them; patrols and tracks belong to
 *     their worker alone.
 *  6. Authorship: visits, patrols and track segments carry the pusher's own workerId; an issue
 *     its reporter, an event its actor — the server never writes in someone else's name; only
 *     an issue's reporter or a supervisor deletes it.
 *  7. References made by this mutation exist and are visible to the pusher (visit → household,
 *     event → issue, segment → own patrol, household → building, issue → household).
 *  8. An issue event fits the events the server accepted before it, in that order, and its sender
 *     may send it (src/domain/issueRules); it gets its place in that order (acceptedSeq). An
 *     issue's undelete and a lowered level follow the same rules.
 *  9. Applied: the row takes the merged value (dirty when it changed), the grid it belongs to
 *     (events and segments take their parent's grid) and its owner; the mutation id is noted.
 */
import { MAX_FUTURE_DRIFT_MS, parseHlc } from '../../src/domain/hlc'
import { checkIssueEvent, checkIssueRecordChange, type IssueFacts } from '../../src/domain/issueRules'
import { nextAcceptedSeq, type IssueEventLike } from '../../src/domain/issueState'
import { mergeMutation } from '../../src/domain/merge'
import type { EntityName, Issue } from '../../src/domain/entities'
import type { Mutation, PushResult } from '../../src/domain/sync'
import { gridIdOf, ownerIdOf } from '../records'
import { canSee, inGrid, OWNER_ONLY, type Scope } from './scope'
import { REFERENCES, rowKey, type WorkingRow, type WorkingSet } from './workingSet'

const ADMIN_ONLY: ReadonlySet<EntityName> = new Set(['users'])
const SUPERVISOR_ONLY: ReadonlySet<EntityName> = new Set(['grids', 'buildings', 'checklists'])
const WORKER_FIELD: Partial<Record<EntityName, string>> = { visits: 'workerId', patrols: 'workerId', trackSegments: 'workerId' }

export function judgeMutation(ws: WorkingSet, scope: Scope, m: Mutation, now: number): PushResult {
  const reject = (reason: string): PushResult => ({ mutationId: m.id, status: 'rejected', reason })

  // 1. idempotent retries
  if (ws.seen.has(m.id.toLowerCase())) return { mutationId: m.id, status: 'duplicate' }

  // 2. clock
  const { wall } = parseHlc(m.hlc)
  if (wall > now + MAX_FUTURE_DRIFT_MS) {
    return reject(`the HLC stamp ${m.hlc} is more than a day ahead of the server's clock; check the phone's date and time`)
  }

  // 3. role
  if (ADMIN_ONLY.has(m.entity) && scope.role !== 'admin') return reject(`only an administrator can change ${m.entity}`)
  if (SUPERVISOR_ONLY.has(m.entity) && scope.role === 'worker') return reject(`only a supervisor can change ${m.entity}`)

  // 4. merge
  const key = rowKey(m.entity, m.recordId)
  const before = ws.rows.get(key) ?? null
  const outcome = mergeMutation(m.entity, before, m)
  if (outcome.kind === 'rejected') return reject(outcome.reason)
  const after = outcome.kind === 'unchanged' ? before!.data : outcome.state.data

  // 5. scope
  const scopeError = checkScope(scope, m.entity, before, after)
  if (scopeError) return reject(scopeError)

  // 6. authorship
  const authorError = checkAuthor(scope, m.entity, before, after)
  if (authorError) return reject(authorError)

  // 7. references
  let parent: WorkingRow | null = null
  for (const ref of REFERENCES[m.entity] ?? []) {
    const target = after[ref.field]
    const referenced = typeof target === 'string' ? (ws.rows.get(rowKey(ref.entity, target)) ?? null) : null
    if (ref.entity === 'issues' || ref.entity === 'patrols') parent = referenced
    if (!before || ref.field in m.fields) {
      if (target === null || target === undefined) continue
      if (!referenced) return reject(`${ref.field} ${String(target)}: no such ${ref.entity} on the server`)
      if (!canSee(scope, referenced)) return reject(`${ref.field} ${String(target)}: that ${ref.entity} record is outside your grids`)
      if (ref.entity === 'patrols' && referenced.data.workerId !== scope.userId) {
        return reject(`patrolId ${String(target)}: a track can only be added to your own patrol`)
      }
    }
  }

  // 8. issue lifecycle (src/domain/issueRules): an event is judged against the events the server
  //    accepted before it, in that order, and stamped with its place (acceptedSeq); a change of
  //    the issue record (undelete, lowering its level) follows the same who-may rules.
  if (m.entity === 'issueEvents' && outcome.kind === 'created') {
    const issueId = String(after.issueId).toLowerCase()
    const existing = ws.issueEvents.get(issueId) ?? []
    const actor = { id: scope.userId, role: scope.role, inIssueGrid: inGrid(scope, parent?.data.gridId as string | undefined) }
    const facts = parent ? (parent.data as unknown as IssueFacts) : null
    const problem = checkIssueEvent(existing, after as unknown as IssueEventLike, actor, facts, { now, nameOf: (id) => ws.userNames?.get(id) })
    if (problem) return { mutationId: m.id, status: 'rejected', reason: problem.reason, code: problem.code, params: problem.params }
    const acceptedSeq = nextAcceptedSeq(existing)
    outcome.state = { data: { ...outcome.state.data, acceptedSeq }, fieldHlc: { ...outcome.state.fieldHlc, acceptedSeq: m.hlc } }
    ws.issueEvents.set(issueId, [...existing, outcome.state.data as unknown as IssueEventLike])
  }
  if (m.entity === 'issues' && before && outcome.kind === 'updated') {
    const problem = checkIssueRecordChange(before.data as unknown as Issue, after as unknown as Issue, { id: scope.userId, role: scope.role })
    if (problem) return { mutationId: m.id, status: 'rejected', reason: problem.reason, code: problem.code, params: problem.params }
  }

  // 9. apply
  ws.seen.add(m.id.toLowerCase())
  ws.applied.push(m)
  if (outcome.kind !== 'unchanged') {
    ws.rows.set(key, {
      entity: m.entity,
      id: m.recordId.toLowerCase(),
      data: outcome.state.data,
      fieldHlc: outcome.state.fieldHlc,
      gridId: gridIdOf(m.entity, outcome.state.data) ?? parent?.gridId ?? before?.gridId ?? null,
      ownerId: before?.ownerId ?? ownerIdOf(m.entity, outcome.state.data) ?? scope.userId,
      stored: before?.stored ?? false,
      dirty: true,
    })
  }
  return { mutationId: m.id, status: 'applied' }
}

function checkScope(scope: Scope, entity: EntityName, before: WorkingRow | null, after: Record<string, unknown>): string | null {
  if (scope.all) return null
  const ownsBefore = before !== null && before.ownerId === scope.userId
  if (before && !ownsBefore && (OWNER_ONLY.has(entity) || !inGrid(scope, before.gridId))) {
    return `this ${entity} record is outside your grids`
  }
  const gridId = gridIdOf(entity, after)
  if (gridId === null) return null // events and segments: judged by their parent (step 7)
  const movedOrNew = !before || gridId !== before.gridId
  if (movedOrNew && !inGrid(scope, gridId)) return `gridId ${gridId} is not one of your grids`
  return null
}

function checkAuthor(scope: Scope, entity: EntityName, before: WorkingRow | null, after: Record<string, unknown>): string | null {
  const workerField = WORKER_FIELD[entity]
  if (workerField && after[workerField] !== scope.userId) return `${workerField} must be your own user id`
  if (!before && entity === 'issues' && after.reportedBy !== scope.userId) return 'reportedBy must be your own user id'
  if (!before && entity === 'issueEvents' && after.actorId !== scope.userId) return 'actorId must be your own user id'
  // An issue is the record of a resident's matter: a co-worker may re-categorise it, but only its
  // reporter or a supervisor may withdraw it.
  if (entity === 'issues' && before && after.deleted === true && before.data.deleted !== true && !scope.all && before.ownerId !== scope.userId) {
    return 'only the reporter or a supervisor can delete an issue'
  }
  return null
}
