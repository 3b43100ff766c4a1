/**
 * The synced entities of DESIGN §3 as zod schemas, shared by phone and server.
 * Entity names are the names used on the wire. Every record has `id` (UUIDv7), `hlc` (stamp of
 * its last change) and `deleted` (tombstone).
 */
import { z } from 'zod'
import { HLC_RE } from './hlc'
import { isTrackEncoding } from './track'
import { UUID_RE } from './ids'
import { CHECKLIST_ITEM_KIND_CODES, HOUSEHOLD_TAG_CODES, ISSUE_CATEGORY_CODES } from './constants'

export const idSchema = z.string().regex(UUID_RE, 'must be a UUID')
export const hlcSchema = z.string().regex(HLC_RE, 'must be an HLC stamp like 001763880000000-00000-device')
/** UTC milliseconds. */
export const timeSchema = z.number().int().min(0).max(8.64e15)
const text = (max: number) => z.string().max(max)
const lng = z.number().min(-180).max(180)
const lat = z.number().min(-90).max(90)

/** [lng, lat] in WGS84, GeoJSON order. */
export const lngLatSchema = z.tuple([lng, lat])
export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(lngLatSchema).min(4)).min(1),
})
export const locationSchema = z.object({ lat, lng, accuracy: z.number().min(0).max(100_000).optional() })
export const photoIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')
const photoIds = z.array(photoIdSchema).max(20)

const baseShape = { id: idSchema, hlc: hlcSchema, deleted: z.boolean() }

export const gridLevelSchema = z.enum(['community', 'grid', 'micro'])
export const gridSchema = z.object({
  ...baseShape,
  communityId: idSchema,
  parentId: idSchema.nullable(),
  level: gridLevelSchema,
  name: text(100).min(1),
  code: text(40),
  boundary: polygonSchema.nullable(),
  workerIds: z.array(idSchema).max(200),
})

export const buildingSchema = z.object({
  ...baseShape,
  gridId: idSchema,
  /** 小区 */
  compound: text(100).min(1),
  /** e.g. 3号楼 */
  name: text(100).min(1),
  location: lngLatSchema,
  footprint: polygonSchema.nullable().optional(),
  units: z.number().int().min(0).max(100),
  floors: z.number().int().min(0).max(200),
})

export const householdTagSchema = z.enum(HOUSEHOLD_TAG_CODES)
export const memberSchema = z.object({
  name: text(50).min(1),
  /** relation to the head of household: 户主, 配偶, 子女 … */
  relation: text(20),
  gender: z.enum(['male', 'female', 'unknown']),
  birthYear: z.number().int().min(1880).max(2100).nullable(),
  idNumber: text(18),
  phone: text(20),
  tags: z.array(householdTagSchema).max(20),
  /** 迁出 / 去世 mark a member who left; absent (older records) = living here. Never deleted. */
  status: z.enum(['present', 'moved_out', 'deceased']).optional(),
})

export const householdSchema = z.object({
  ...baseShape,
  gridId: idSchema,
  buildingId: idSchema.nullable(),
  unit: text(20),
  room: text(20),
  address: text(200).min(1),
  headName: text(50).min(1),
  phone: text(20),
  members: z.array(memberSchema).max(30),
  tags: z.array(householdTagSchema).max(20),
  /** 五清: address and contact above; health, situation and needs here. */
  health: text(500),
  situation: text(1000),
  needs: text(1000),
  notes: text(2000),
  cadenceDays: z.number().int().min(1).max(366).nullable().optional(),
  /** 迁出: the household moved away (UTC ms); it stays with its history, marked, never deleted. */
  movedOutAt: timeSchema.nullable().optional(),
})

export const visitOutcomeSchema = z.enum(['met', 'absent', 'refused'])
/** 入户 (door) or 电话 (phone); absent in old records = door (DESIGN §3). */
export const visitChannelSchema = z.enum(['door', 'phone'])
export const visitSchema = z.object({
  ...baseShape,
  householdId: idSchema,
  gridId: idSchema,
  workerId: idSchema,
  channel: visitChannelSchema.optional(),
  startedAt: timeSchema,
  endedAt: timeSchema,
  location: locationSchema.nullable().optional(),
  outcome: visitOutcomeSchema,
  checklistId: idSchema.nullable().optional(),
  checklistVersion: z.number().int().min(1).nullable().optional(),
  answers: z.record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])),
  notes: text(2000),
  needs: text(1000),
  photoIds,
  followUp: z.boolean(),
  /** 更正: the saved visit this one corrects (saved visits never change). */
  correctsId: idSchema.nullable().optional(),
  /** 专项排查: the campaign this visit answers, and which of its targets (src/domain/campaigns). */
  campaignId: idSchema.nullable().optional(),
  campaignTargetId: idSchema.nullable().optional(),
})

export const patrolItemStatusSchema = z.enum(['ok', 'problem', 'na'])
export const patrolAnswerSchema = z.object({
  itemId: text(64).min(1),
  status: patrolItemStatusSchema,
  note: text(1000),
  photoIds,
})
/** A stretch of a track the worker explained (lost signal, indoors …). */
export const trackGapNoteSchema = z.object({ from: timeSchema, to: timeSchema, reason: text(200) })
export const patrolSchema = z.object({
  ...baseShape,
  gridId: idSchema,
  workerId: idSchema,
  startedAt: timeSchema,
  endedAt: timeSchema.nullable(),
  checklistId: idSchema,
  checklistVersion: z.number().int().min(1).nullable().optional(),
  answers: z.array(patrolAnswerSchema).max(200),
  distanceM: z.number().min(0).max(1_000_000),
  pointCount: z.number().int().min(0).max(1_000_000),
  gapNotes: z.array(trackGapNoteSchema).max(200).optional(),
})

/** [t (UTC ms), lng, lat, accuracy m] */
export const trackPointSchema = z.tuple([timeSchema, lng, lat, z.number().min(0).max(100_000)])
export const trackSegmentSchema = z.object({
  ...baseShape,
  patrolId: idSchema,
  workerId: idSchema,
  seq: z.number().int().min(0).max(1_000_000),
  points: z.array(trackPointSchema).max(2000),
  /**
   * The same points in the compact text encoding of src/domain/track.ts (`points` is then empty):
   * a day of fixes stays small on the phone and on the wire. Read a segment's points with
   * `segmentPoints()`, which takes either form.
   */
  encoded: z.string().max(64_000).refine(isTrackEncoding, 'must be a track in the compact encoding of at most 2000 points').optional(),
})

export const issueTypeSchema = z.enum(['issue', 'wish'])
export const issueSourceSchema = z.enum(['visit', 'patrol', 'resident', 'supervisor'])
export const issueLevelSchema = z.enum(['micro', 'grid', 'street'])
export const issueSchema = z.object({
  ...baseShape,
  gridId: idSchema,
  householdId: idSchema.nullable().optional(),
  type: issueTypeSchema,
  source: issueSourceSchema,
  sourceId: idSchema.nullable().optional(),
  category: z.enum(ISSUE_CATEGORY_CODES),
  title: text(200).min(1),
  description: text(4000),
  location: locationSchema.nullable().optional(),
  photoIds,
  level: issueLevelSchema,
  /** 7135: an urgent matter also runs the 7-minute arrival clock (src/domain/deadlines). */
  urgent: z.boolean().optional(),
  reportedAt: timeSchema,
  reportedBy: idSchema,
})

export const issueEventTypeSchema = z.enum([
  'reported', 'assigned', 'accepted', 'arrived', 'progress', 'escalated', 'resolved', 'rated', 'reopened', 'closed', 'reminded',
])
export const issueEventSchema = z.object({
  ...baseShape,
  issueId: idSchema,
  type: issueEventTypeSchema,
  actorId: idSchema,
  at: timeSchema,
  data: z.object({
    assigneeId: idSchema.optional(),
    note: text(2000).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    photoIds: photoIds.optional(),
    level: issueLevelSchema.optional(),
    /** 认领 of a 微心愿 for a named volunteer or party member who is not a user. */
    claimant: z.object({ name: text(50).min(1), phone: text(20) }).optional(),
  }),
  /** Position in the issue's history as the server accepted it (1, 2, …); set by the server only. */
  acceptedSeq: z.number().int().min(1).max(1_000_000).optional(),
})

export const checklistItemSchema = z.object({
  id: text(64).min(1),
  label: text(200).min(1),
  category: text(50),
  required: z.boolean(),
  kind: z.enum(CHECKLIST_ITEM_KIND_CODES).optional(),
  options: z.array(text(100)).max(30).optional(),
})
/** An earlier version of a checklist, kept so records made with it show its labels (src/domain/checklists). */
export const checklistVersionSchema = z.object({
  version: z.number().int().min(1),
  name: text(100).min(1),
  items: z.array(checklistItemSchema).min(1).max(200),
})
export const checklistSchema = z.object({
  ...baseShape,
  /** The community whose checklist this is; null or absent: the shared default set everyone sees. */
  communityId: idSchema.nullable().optional(),
  kind: z.enum(['patrol', 'visit']),
  name: text(100).min(1),
  version: z.number().int().min(1),
  items: z.array(checklistItemSchema).min(1).max(200),
  /** Earlier versions, newest first, at most CHECKLIST_HISTORY_MAX (src/domain/checklists). */
  history: z.array(checklistVersionSchema).max(20).optional(),
})

export const roleSchema = z.enum(['worker', 'supervisor', 'admin'])
export const userSchema = z.object({
  ...baseShape,
  name: text(50).min(1),
  role: roleSchema,
  gridIds: z.array(idSchema).max(500),
  phone: text(20),
})

// 专项排查 (issue 21): the rules are src/domain/campaigns; made by the server only.
export const campaignStatusSchema = z.enum(['draft', 'published', 'closed'])
export const campaignTargetKindSchema = z.enum(['household', 'building'])

/** Which households or buildings a campaign reaches; every list that is non-empty must match. */
export const campaignSelectionSchema = z.object({
  kind: campaignTargetKindSchema,
  /** Grids (a community or grid node reaches the grids under it; the caller expands). Empty: all in the community. */
  gridIds: z.array(idSchema).max(500),
  /** Households with ANY of these tags (household or member tags). Ignored for buildings. */
  tags: z.array(householdTagSchema).max(20),
  /** 小区 names. */
  compounds: z.array(text(100).min(1)).max(200),
  buildingIds: z.array(idSchema).max(5000),
})

export const campaignSchema = z.object({
  ...baseShape,
  communityId: idSchema,
  title: text(100).min(1),
  status: campaignStatusSchema,
  /** The checklist it asks: its own items, or a copy of a standing one (sourceChecklistId names it). */
  items: z.array(checklistItemSchema).min(1).max(200),
  sourceChecklistId: idSchema.nullable().optional(),
  selection: campaignSelectionSchema,
  startAt: timeSchema,
  deadlineAt: timeSchema,
  createdBy: idSchema,
  publishedAt: timeSchema.nullable().optional(),
  closedAt: timeSchema.nullable().optional(),
  /** The last 催办 (UTC ms), shown on phones of the grids behind. */
  remindedAt: timeSchema.nullable().optional(),
  remindGridIds: z.array(idSchema).max(500).optional(),
})

/** One household or building a campaign reaches; made when the campaign is published. */
export const campaignTargetSchema = z.object({
  ...baseShape,
  campaignId: idSchema,
  gridId: idSchema,
  kind: campaignTargetKindSchema,
  householdId: idSchema.nullable(),
  buildingId: idSchema.nullable(),
  /** What the phone and the export show: address, or 小区 + 楼 for a building. */
  label: text(200),
  /** Place in the campaign's walking order (src/domain/campaigns selectTargets), from 0. */
  seq: z.number().int().min(0).optional(),
})

export type Campaign = z.infer<typeof campaignSchema>
export type CampaignTarget = z.infer<typeof campaignTargetSchema>
export type CampaignSelection = z.infer<typeof campaignSelectionSchema>
export type CampaignStatus = z.infer<typeof campaignStatusSchema>
export type Grid = z.infer<typeof gridSchema>
export type Building = z.infer<typeof buildingSchema>
export type Member = z.infer<typeof memberSchema>
export type Household = z.infer<typeof householdSchema>
export type Visit = z.infer<typeof visitSchema>
export type Patrol = z.infer<typeof patrolSchema>
export type TrackPoint = z.infer<typeof trackPointSchema>
export type TrackSegment = z.infer<typeof trackSegmentSchema>
export type Issue = z.infer<typeof issueSchema>
export type IssueEvent = z.infer<typeof issueEventSchema>
export type Checklist = z.infer<typeof checklistSchema>
export type ChecklistItem = z.infer<typeof checklistItemSchema>
export type ChecklistVersion = z.infer<typeof checklistVersionSchema>
export type User = z.infer<typeof userSchema>
export type Role = z.infer<typeof roleSchema>
export type GridLevel = z.infer<typeof gridLevelSchema>
export type Polygon = z.infer<typeof polygonSchema>

/**
 * How concurrent writes to an entity merge (DESIGN §3):
 * - `lww`: field-level last-writer-wins by HLC;
 * - `immutable`: created once, later creates of the same id are ignored; only `mutableFields`
 *   (if any) change afterwards, by field LWW;
 * - `append`: like immutable with no mutable fields (append-only logs).
 */
export type MergeRule = 'lww' | 'immutable' | 'append'

export const ENTITIES = {
  grids: { schema: gridSchema, merge: 'lww', mutableFields: null },
  buildings: { schema: buildingSchema, merge: 'lww', mutableFields: null },
  households: { schema: householdSchema, merge: 'lww', mutableFields: null },
  visits: { schema: visitSchema, merge: 'immutable', mutableFields: [] },
  patrols: { schema: patrolSchema, merge: 'lww', mutableFields: null },
  trackSegments: { schema: trackSegmentSchema, merge: 'append', mutableFields: [] },
  issues: { schema: issueSchema, merge: 'immutable', mutableFields: ['category', 'level'] },
  issueEvents: { schema: issueEventSchema, merge: 'append', mutableFields: [] },
  checklists: { schema: checklistSchema, merge: 'lww', mutableFields: null },
  users: { schema: userSchema, merge: 'lww', mutableFields: null },
  campaigns: { schema: campaignSchema, merge: 'lww', mutableFields: null },
  campaignTargets: { schema: campaignTargetSchema, merge: 'lww', mutableFields: null },
} as const satisfies Record<string, { schema: z.ZodObject; merge: MergeRule; mutableFields: readonly string[] | null }>

export type EntityName = keyof typeof ENTITIES
export const ENTITY_NAMES = Object.keys(ENTITIES) as EntityName[]
export const entityNameSchema = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]])

export interface EntityTypes {
  grids: Grid
  buildings: Building
  households: Household
  visits: Visit
  patrols: Patrol
  trackSegments: TrackSegment
  issues: Issue
  issueEvents: IssueEvent
  checklists: Checklist
  users: User
  campaigns: Campaign
  campaignTargets: CampaignTarget
}

export type AnyRecord = EntityTypes[EntityName]

/** Fields a client may change after creation (`null`: all except id). */
export function mutableFieldsOf(entity: EntityName): readonly string[] | null {
  return ENTITIES[entity].mutableFields
}

/** Validate a whole record of an entity; the error message names the field. */
export function parseRecord<E extends EntityName>(entity: E, value: unknown): EntityTypes[E] {
  return ENTITIES[entity].schema.parse(value) as EntityTypes[E]
}

export function safeParseRecord<E extends EntityName>(
  entity: E,
  value: unknown,
): { ok: true; record: EntityTypes[E] } | { ok: false; message: string } {
  const r = ENTITIES[entity].schema.safeParse(value)
  return r.success ? { ok: true, record: r.data as EntityTypes[E] } : { ok: false, message: describeZodError(r.error) }
}

/** A zod error as one line a person can read: `members.0.name: Too small …; phone: …`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}
