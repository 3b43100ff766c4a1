/**
 * Judge one pushed mutation against the working set (no database access here) and, when it is
 * applied, change the working set. Steps, in order; the first that fails is the reason:
 *
 *  1. A mutation id applied before, or earlier in this batch: with the same user, entity, record
 *     and fields (SHA-256 of canonical JSON) → `duplicate`; with anything else → rejected, an id
 *     means one mutation (a client that reuses one would otherwise drop its edit in silence).
 *  2. Clock: the HLC stamp is the pushing device's own (its device part is the device the session
 *     was issued to) and at most MAX_FUTURE_DRIFT_MS (10 min) ahead of the server's clock.
 *  3. Role: users only by admin; grids, buildings, checklists only by supervisor or admin;
 *     campaigns and their targets by nobody (the server makes them at publish).
 *  4. Merge (src/domain/merge): fields known and valid, immutable fields untouched, field LWW.
 *  5. Scope (scope.ts, the rule pull uses): a user may only change records they can see, may not
 *     move a record out to, or create one in, a grid outside their scope (a supervisor: their
 *     community's grid tree); patrols and tracks belong to their worker (and supervisors); a
 *     supervisor changes their own community's checklists only (src/domain/checklists).
 *     A grid the user left (交接, or taken off in 人员) is still theirs for a mutation stamped
 *     before they left (leftGrids.ts: scopeAt, for steps 5, 7 and 8); one stamped after is refused
 *     `handed_over` / `grid_removed`, naming the grid and who has it now.
 *  6. Authorship: visits, patrols and track segments carry the pusher's own workerId; an issue
 *     its reporter, an event its actor — the server never writes in someone else's name; only
 *     an issue's reporter or a supervisor deletes it.
 *  7. References made by this mutation exist and are visible to the pusher (visit → household,
 *     event → issue, segment → own patrol, household → building, issue → household), and the
 *     photos it adds were uploaded first (blobRefs, `missing_blob`).
 *  8. An issue event fits the events the server accepted before it, in that order, and its sender
 *     may send it (src/domain/issueRules); it gets its place in that order (acceptedSeq). An
 *     issue's undelete and a lowered level follow the same rules.
 *  9. Applied: the row takes the merged value (dirty when it changed), the grid it belongs to
 *     (events and segments take their parent's grid) and its owner; the mutation id is noted.
 *
 * Every rejection carries a `code` and `params` (src/domain/rejections: the phone shows them in
 * Chinese) and `reason`, an English sentence for scripts and logs.
 */
import { judgeCampaignAnswer } from '../../src/domain/campaigns'
import { canEditChecklist } from '../../src/domain/checklists'
import { MAX_FUTURE_DRIFT_MS, parseHlc } from '../../src/domain/hlc'
import type { RejectionCode, RejectionParams } from '../../src/domain/rejections'
import { checkIssueEvent, checkIssueRecordChange, type IssueFacts } from '../../src/domain/issueRules'
import { nextAcceptedSeq, type IssueEventLike } from '../../src/domain/issueState'
import { mergeMutation } from '../../src/domain/merge'
import type { EntityName, Issue } from '../../src/domain/entities'
import type { Mutation, PushResult } from '../../src/domain/sync'
import { gridIdOf, ownerIdOf } from '../records'
import { checkBlobs } from './blobRefs'
import { fieldsHash } from './mutationHash'
import { leftGridOf, scopeAt } from './leftGrids'
import { canSee, inGrid, type LeftGrid, type Scope } from './scope'
import { REFERENCES, rowKey, type SeenMutation, type WorkingRow, type WorkingSet } from './workingSet'

const ADMIN_ONLY: ReadonlySet<EntityName> = new Set(['users'])
const SUPERVISOR_ONLY: ReadonlySet<EntityName> = new Set(['grids', 'buildings', 'checklists'])
/** Made by the server only (专项排查 publish selects the targets; server/campaigns): no phone writes them. */
const SERVER_ONLY: ReadonlySet<EntityName> = new Set(['campaigns', 'campaignTargets'])
const WORKER_FIELD: Partial<Record<EntityName, string>> = { visits: 'workerId', patrols: 'workerId', trackSegments: 'workerId' }

/** A rejection as the judge's checks return it: the wire result adds the mutation id. */
export interface Refusal {
  code: RejectionCode
  params: RejectionParams
  reason: string
}

const refuse = (code: RejectionCode, params: RejectionParams, reason: string): Refusal => ({ code, params, reason })

/** The change concerns a grid the user left before it was made: say so, and who has it now. */
function leftRefusal(l: LeftGrid, entity: EntityName): Refusal {
  const at = new Date(l.at).toISOString()
  return l.toName
    ? refuse('handed_over', { entity, grid: l.gridName, to: l.toName }, `grid ${l.gridName} was handed over to ${l.toName} at ${at}; this change was made after that`)
    : refuse('grid_removed', { entity, grid: l.gridName }, `grid ${l.gridName} was taken off your grids at ${at}; this change was made after that`)
}

/**
 * @param now the server's clock (UTC ms)
 * @param deviceId the pushing device: the device the session was issued to
 */
export function judgeMutation(ws: WorkingSet, current: Scope, m: Mutation, now: number, deviceId: string): PushResult {
  const reject = (r: Refusal): PushResult => ({ mutationId: m.id, status: 'rejected', reason: r.reason, code: r.code, params: r.params })

  // 1. one id, one mutation: a retry is a duplicate, anything else under the id is refused
  const mutationKey = m.id.toLowerCase()
  const hash = fieldsHash(m.fields)
  const seen = ws.seen.get(mutationKey)
  if (seen) {
    const reused = checkSameMutation(seen, { userId: current.userId, entity: m.entity, recordId: m.recordId, fieldsHash: hash })
    if (!reused) return { mutationId: m.id, status: 'duplicate' }
    return reject(refuse('mutation_reused', {}, `mutation id ${m.id} was applied before ${reused}; an id means one mutation`))
  }

  // 2. clock
  const { wall, node } = parseHlc(m.hlc)
  if (node !== deviceId) {
    return reject(refuse('device_mismatch', { device: node }, `the HLC stamp ${m.hlc} names device ${node}, but this push comes from device ${deviceId}`))
  }
  if (wall > now + MAX_FUTURE_DRIFT_MS) {
    const minutes = Math.ceil((wall - now) / 60_000)
    return reject(
      refuse('clock_ahead', { minutes }, `the HLC stamp ${m.hlc} is ${minutes} minutes ahead of the server's clock (at most 10 allowed); check the phone's date and time`),
    )
  }
  // The scope as it was when the mutation was made (grids left since still count: leftGrids.ts).
  const scope = scopeAt(current, wall)

  // 3. role
  if (SERVER_ONLY.has(m.entity)) {
    return reject(refuse('role', { entity: m.entity }, `${m.entity} are made by the server (专项排查), not by sync`))
  }
  if (ADMIN_ONLY.has(m.entity) && scope.role !== 'admin') {
    return reject(refuse('role', { entity: m.entity }, `only an administrator can change ${m.entity}`))
  }
  if (SUPERVISOR_ONLY.has(m.entity) && scope.role === 'worker') {
    return reject(refuse('role', { entity: m.entity }, `only a supervisor can change ${m.entity}`))
  }

  // 4. merge
  const key = rowKey(m.entity, m.recordId)
  const before = ws.rows.get(key) ?? null
  const outcome = mergeMutation(m.entity, before, m)
  if (outcome.kind === 'rejected') return reject(outcome)
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
      const params = { entity: ref.entity, field: ref.field, id: String(target) }
      if (!referenced) return reject(refuse('unknown_reference', params, `${ref.field} ${String(target)}: no such ${ref.entity} on the server`))
      if (!canSee(scope, referenced)) {
        const left = leftGridOf(scope, referenced.gridId)
        if (left) return reject(leftRefusal(left, m.entity))
        return reject(refuse('unknown_reference', params, `${ref.field} ${String(target)}: that ${ref.entity} record is outside your grids`))
      }
      if (ref.entity === 'patrols' && referenced.data.workerId !== scope.userId) {
        return reject(refuse('not_author', { field: ref.field }, `patrolId ${String(target)}: a track can only be added to your own patrol`))
      }
    }
  }
  const missingBlob = checkBlobs(ws.blobs, m, before?.data ?? null, after)
  if (missingBlob) return missingBlob

  // 8. issue lifecycle (src/domain/issueRules): an event is judged against the events the server
  //    accepted before it, in that order, and stamped with its place (acceptedSeq); a change of
  //    the issue record (undelete, lowering its level) follows the same who-may rules.
  if (m.entity === 'issueEvents' && outcome.kind === 'created') {
    const issueId = String(after.issueId).toLowerCase()
    const existing = ws.issueEvents.get(issueId) ?? []
    const actor = { id: scope.userId, role: scope.role, inIssueGrid: inGrid(scope, parent?.data.gridId as string | undefined) }
    const facts = parent ? (parent.data as unknown as IssueFacts) : null
    const problem = checkIssueEvent(existing, after as unknown as IssueEventLike, actor, facts, { now, nameOf: (id) => ws.userNames?.get(id) })
    if (problem) return reject(problem)
    const acceptedSeq = nextAcceptedSeq(existing)
    outcome.state = { data: { ...outcome.state.data, acceptedSeq }, fieldHlc: { ...outcome.state.fieldHlc, acceptedSeq: m.hlc } }
    ws.issueEvents.set(issueId, [...existing, outcome.state.data as unknown as IssueEventLike])
  }
  if (m.entity === 'issues' && before && outcome.kind === 'updated') {
    const problem = checkIssueRecordChange(before.data as unknown as Issue, after as unknown as Issue, { id: scope.userId, role: scope.role })
    if (problem) return reject(problem)
  }

  // 8b. 专项排查: an answer names a published campaign's target in the user's grids; a closed
  //     campaign still takes what was made before the close (src/domain/campaigns).
  if (m.entity === 'visits' && outcome.kind === 'created' && typeof after.campaignId === 'string') {
    const campaign = ws.campaigns?.get(after.campaignId.toLowerCase())
    const target = typeof after.campaignTargetId === 'string' ? ws.campaignTargets?.get(after.campaignTargetId.toLowerCase()) : undefined
    const unknown = refuse('campaign_unknown', {}, `campaign ${after.campaignId}: unknown, not published, or its target is not in your grids`)
    if (!campaign || !target || target.campaignId !== after.campaignId.toLowerCase() || !inGrid(scope, target.gridId)) return reject(unknown)
    const verdict = judgeCampaignAnswer(campaign, m.hlc)
    if (!verdict.ok) {
      if (verdict.reason === 'campaign_closed') return reject(refuse('campaign_closed', { title: campaign.title }, `campaign ${campaign.title} was closed before this record was made`))
      return reject(unknown)
    }
  }

  // 9. apply
  ws.seen.set(mutationKey, { userId: scope.userId, entity: m.entity, recordId: m.recordId.toLowerCase(), fieldsHash: hash })
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

/** Null when `now` is a retry of the mutation `seen` stands for, else how it differs (English). */
function checkSameMutation(seen: SeenMutation, now: SeenMutation): string | null {
  if (seen.userId !== now.userId) return 'by another user'
  if (seen.entity !== now.entity || seen.recordId.toLowerCase() !== now.recordId.toLowerCase()) {
    return `for another record (${seen.entity} ${seen.recordId})`
  }
  // Ids applied before migration 005 carry no hash: user, entity and record are all there is.
  if (seen.fieldsHash !== null && seen.fieldsHash !== now.fieldsHash) return 'with other fields'
  return null
}

function checkScope(scope: Scope, entity: EntityName, before: WorkingRow | null, after: Record<string, unknown>): Refusal | null {
  if (scope.all) return null
  // The one visibility rule (scope.ts): what the user cannot pull, they cannot change.
  if (before && !canSee(scope, before)) {
    const left = leftGridOf(scope, before.gridId)
    return left ? leftRefusal(left, entity) : refuse('out_of_scope', { entity }, `this ${entity} record is outside your grids`)
  }
  if (entity === 'grids') {
    // A grid is placed by its parent (or community): it must be one the supervisor covers.
    const placedBefore = before && before.data.parentId === after.parentId && before.data.communityId === after.communityId
    const parent = typeof after.parentId === 'string' ? after.parentId : null
    const community = typeof after.communityId === 'string' ? after.communityId.toLowerCase() : ''
    if (!placedBefore && !inGrid(scope, parent) && !(parent === null && scope.communityIds.has(community))) {
      return refuse('out_of_scope', { entity }, `parentId ${String(after.parentId)} is not one of your grids`)
    }
    return null
  }
  if (entity === 'checklists') {
    // Checklists belong to a community (src/domain/checklists): a supervisor writes their own
    // community's only, neither the shared set nor another's, and cannot move one out of theirs.
    const communityOf = (d: Record<string, unknown>) => (typeof d.communityId === 'string' ? d.communityId : null)
    if (!canEditChecklist(scope, communityOf(after)) || (before && !canEditChecklist(scope, communityOf(before.data)))) {
      return refuse('out_of_scope', { entity }, 'only checklists of your own community can be changed')
    }
    return null
  }
  const gridId = gridIdOf(entity, after)
  if (gridId === null) return null // events and segments: judged by their parent (step 7)
  const movedOrNew = !before || gridId !== before.gridId
  if (movedOrNew && !inGrid(scope, gridId)) {
    const left = leftGridOf(scope, gridId)
    return left ? leftRefusal(left, entity) : refuse('out_of_scope', { entity, gridId }, `gridId ${gridId} is not one of your grids`)
  }
  return null
}

function checkAuthor(scope: Scope, entity: EntityName, before: WorkingRow | null, after: Record<string, unknown>): Refusal | null {
  const workerField = WORKER_FIELD[entity]
  if (workerField && after[workerField] !== scope.userId) {
    return refuse('not_author', { field: workerField }, `${workerField} must be your own user id`)
  }
  if (!before && entity === 'issues' && after.reportedBy !== scope.userId) {
    return refuse('not_author', { field: 'reportedBy' }, 'reportedBy must be your own user id')
  }
  if (!before && entity === 'issueEvents' && after.actorId !== scope.userId) {
    return refuse('not_author', { field: 'actorId' }, 'actorId must be your own user id')
  }
  // An issue is the record of a resident's matter: a co-worker may re-categorise it, but only its
  // reporter or a supervisor may withdraw it.
  if (entity === 'issues' && before && after.deleted === true && before.data.deleted !== true && scope.role === 'worker' && before.ownerId !== scope.userId) {
    return refuse('delete_not_allowed', {}, 'only the reporter or a supervisor can delete an issue')
  }
  return null
}
