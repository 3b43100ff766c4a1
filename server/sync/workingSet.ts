/**
 * The rows one push touches, held in memory while its mutations are judged: stored rows read
 * once per request (locked), changed in place by each applied mutation, written back at the end.
 * Later mutations of the same batch see the effect of earlier ones (a household created and then
 * visited in one batch).
 */
import type { Campaign } from '../../src/domain/campaigns'
import type { EntityName } from '../../src/domain/entities'
import type { IssueEventLike } from '../../src/domain/issueState'
import type { Mutation } from '../../src/domain/sync'

export interface WorkingRow {
  entity: EntityName
  id: string
  data: Record<string, unknown>
  fieldHlc: Record<string, string>
  gridId: string | null
  ownerId: string | null
  /** The row exists in the database (UPDATE), else it is new (INSERT). */
  stored: boolean
  /** Changed by this push: must be written. */
  dirty: boolean
}

/** What an applied mutation id stood for; `fieldsHash` is null for ids applied before migration 005. */
export interface SeenMutation {
  userId: string
  entity: string
  recordId: string
  fieldsHash: string | null
}

export interface WorkingSet {
  rows: Map<string, WorkingRow>
  /** Mutation ids already applied (stored, or earlier in this batch), lower-case, with what each was. */
  seen: Map<string, SeenMutation>
  /** Stored and newly applied events per issue id. */
  issueEvents: Map<string, IssueEventLike[]>
  /** Names of the people who wrote those events (已由 张伟 接单). */
  userNames?: Map<string, string>
  /** Mutations applied by this push, to record in `mutations` with the changes. */
  applied: Mutation[]
  /** Photos named by the batch that the server has (server/sync/blobRefs.ts). */
  blobs: Set<string>
  /** 专项排查 the batch's visits answer (campaign id → record), and the grids of their targets (target id → grid). */
  campaigns?: Map<string, Campaign>
  campaignTargets?: Map<string, { campaignId: string; gridId: string }>
}

/** Map key of a row; uuid columns come back lower-case, so ids are compared lower-case. */
export const rowKey = (entity: string, id: string): string => `${entity}:${id.toLowerCase()}`

export function emptyWorkingSet(): WorkingSet {
  return { rows: new Map(), seen: new Map(), issueEvents: new Map(), userNames: new Map(), applied: [], blobs: new Set() }
}

/** Which other record a field of an entity refers to (DESIGN §4: unknown or out of scope → rejected). */
export const REFERENCES: Partial<Record<EntityName, { field: string; entity: EntityName }[]>> = {
  visits: [{ field: 'householdId', entity: 'households' }],
  issueEvents: [{ field: 'issueId', entity: 'issues' }],
  trackSegments: [{ field: 'patrolId', entity: 'patrols' }],
  households: [{ field: 'buildingId', entity: 'buildings' }],
  issues: [{ field: 'householdId', entity: 'households' }],
}
