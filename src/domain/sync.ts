/** Wire types of the sync protocol (DESIGN §4), validated on both ends. */
import { z } from 'zod'
import { DEVICE_ID_RE, HLC_RE } from './hlc'
import { ENTITY_NAMES, entityNameSchema, hlcSchema, idSchema, type EntityName } from './entities'
import { UUID_RE } from './ids'
import { rejectionParamsSchema } from './rejections'
import type { EscrowEnvelope } from './escrow'

export const PUSH_MAX_MUTATIONS = 500
export const PULL_DEFAULT_LIMIT = 1000
export const PULL_MAX_LIMIT = 5000

export const deviceIdSchema = z.string().regex(DEVICE_ID_RE, 'must be 1–64 of A-Z a-z 0-9 _ -')

export const mutationSchema = z.object({
  /** mutation id (UUIDv7), the idempotency key */
  id: idSchema,
  entity: entityNameSchema,
  recordId: idSchema,
  op: z.enum(['put', 'delete']),
  /** Only the changed fields; a create carries the whole record (with id). */
  fields: z.record(z.string(), z.unknown()),
  hlc: hlcSchema,
})
export type Mutation = z.infer<typeof mutationSchema>

export const pushRequestSchema = z.object({
  deviceId: deviceIdSchema,
  mutations: z.array(mutationSchema).max(PUSH_MAX_MUTATIONS),
})
export type PushRequest = z.infer<typeof pushRequestSchema>

export const mutationStatusSchema = z.enum(['applied', 'duplicate', 'rejected'])
export type MutationStatus = z.infer<typeof mutationStatusSchema>
export const pushResultSchema = z.object({
  mutationId: idSchema,
  status: mutationStatusSchema,
  /** English, for scripts and logs; the phone shows `code` + `params` (src/domain/rejections). */
  reason: z.string().optional(),
  code: z.string().max(64).optional(),
  params: rejectionParamsSchema.optional(),
})
export type PushResult = z.infer<typeof pushResultSchema>
export const pushResponseSchema = z.object({ results: z.array(pushResultSchema) })
export type PushResponse = z.infer<typeof pushResponseSchema>

export const pullQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PULL_MAX_LIMIT).optional(),
})
export const changeSchema = z.object({
  entity: entityNameSchema,
  id: idSchema,
  hlc: hlcSchema,
  deleted: z.boolean(),
  data: z.record(z.string(), z.unknown()),
})
export type Change = z.infer<typeof changeSchema> & { entity: EntityName }
/** A record that left the user's scope (moved grid, grids reassigned): the phone deletes its copy. */
export const removedChangeSchema = z.object({ entity: entityNameSchema, id: idSchema, removed: z.literal(true) })
export type RemovedChange = z.infer<typeof removedChangeSchema> & { entity: EntityName }
export type PullChange = Change | RemovedChange
export const pullChangeSchema = z.union([changeSchema, removedChangeSchema])
export const isRemoval = (c: PullChange): c is RemovedChange => 'removed' in c && c.removed === true
export const pullResponseSchema = z.object({
  changes: z.array(pullChangeSchema),
  cursor: z.string(),
  hasMore: z.boolean(),
  /** With the first page of a download from the start: about how many changes follow it. */
  remaining: z.number().int().min(0).optional(),
  /**
   * The cursor sent can no longer be answered (the server restored a backup, or pruned removals
   * it had passed over): this is the first page of a download from the start, and the phone drops
   * what it synced before applying it — keeping its outbox and the records that outbox names.
   */
  reset: z.literal(true).optional(),
})
export type PullResponse = z.infer<typeof pullResponseSchema>

const ENTITY_SET: ReadonlySet<string> = new Set(ENTITY_NAMES)
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function isChange(c: unknown): boolean {
  if (!isPlainObject(c) || typeof c.entity !== 'string' || !ENTITY_SET.has(c.entity) || typeof c.id !== 'string' || !UUID_RE.test(c.id)) return false
  // A removal is only the three keys; anything mixed goes to the schema, which decides (and strips).
  if ('removed' in c) return c.removed === true && !('hlc' in c) && !('deleted' in c) && !('data' in c)
  return typeof c.hlc === 'string' && HLC_RE.test(c.hlc) && typeof c.deleted === 'boolean' && isPlainObject(c.data)
}

/**
 * Checks a pull answer as pullResponseSchema does, without rebuilding it: zod copies every
 * record's `data` key by key, ~0.2 s and much garbage per page of 4,000 households on a phone.
 * What this accepts, the schema accepts too (same patterns and entity names); anything it does not
 * accept goes through the schema, whose verdict and message stand.
 */
export function parsePullResponse(raw: unknown): ReturnType<typeof pullResponseSchema.safeParse> {
  if (
    isPlainObject(raw) &&
    Array.isArray(raw.changes) &&
    typeof raw.cursor === 'string' &&
    typeof raw.hasMore === 'boolean' &&
    (raw.remaining === undefined || (Number.isInteger(raw.remaining) && (raw.remaining as number) >= 0)) &&
    (raw.reset === undefined || raw.reset === true) &&
    raw.changes.every(isChange)
  ) {
    return { success: true, data: raw as PullResponse } as ReturnType<typeof pullResponseSchema.safeParse>
  }
  return pullResponseSchema.safeParse(raw)
}

/** The outbox entry a local write leaves beside the record (same transaction). */
export type OutboxEntry = Mutation & {
  /** When the entry was queued (local ms), for the UI and ordering. */
  queuedAt: number
  /** Push attempts that failed in transport (not rejections). */
  attempts: number
  /**
   * The same mutation encrypted to the server's escrow key (src/domain/escrow.ts), for a locked
   * phone to send; absent when no escrow key was known at the write, or the row predates it.
   */
  escrow?: EscrowEnvelope
}

/** Every error the API answers: a code for programs and a message for people. */
export const apiErrorSchema = z.object({ error: z.string(), message: z.string() })
export type ApiError = z.infer<typeof apiErrorSchema>
