/**
 * Field-level last-writer-wins merge (DESIGN §3, §4), pure and shared by phone and server.
 *
 * A stored record is its whole current value (`data`) plus the HLC stamp of the last change of
 * each field (`fieldHlc`). A mutation carries some fields and one stamp. Merging it:
 *
 *  1. Check the fields: each must be a field of the entity, pass that field's schema (the parsed
 *     value is what merges: undeclared nested keys are dropped), and `id` (when present) must
 *     equal the record id. `hlc` in the fields is ignored: the mutation's
 *     stamp is the truth.
 *  2. A `delete` is the field `deleted: true` at the mutation's stamp (a tombstone that merges
 *     like any field, so a later edit elsewhere can revive it). Append-only entities refuse it.
 *  3. No stored record: the mutation must be a create (carry `id`); the record is its fields,
 *     every field stamped with the mutation's HLC, and must pass the entity's schema whole.
 *  4. Stored record and an immutable/append-only entity: a second create is ignored (the same
 *     record arriving twice, e.g. from a retry whose answer was lost); an update may only touch
 *     the entity's `mutableFields`.
 *  5. Otherwise per field: the incoming value wins when its stamp is higher than the field's
 *     stamp; on an equal stamp the larger JSON text wins, so the result never depends on the
 *     order in which two writes arrive. A mutation that loses every field changes nothing and
 *     is still fine (losing a race is not an error).
 *  6. The record's `hlc` becomes the highest field stamp; the merged record must pass the
 *     entity's schema whole (an update cannot blank a required field).
 */
import { z } from 'zod'
import { ENTITIES, describeZodError, type EntityName } from './entities'

export interface StoredState {
  data: Record<string, unknown>
  /** HLC of the last change of each field (all fields but `id`). */
  fieldHlc: Record<string, string>
}

export interface MergeInput {
  recordId: string
  op: 'put' | 'delete'
  fields: Record<string, unknown>
  hlc: string
}

export type MergeOutcome =
  | { kind: 'created' | 'updated'; state: StoredState }
  /** Nothing to store: every field lost, or a second create of an immutable record. */
  | { kind: 'unchanged' }
  /** `code` and `params` name the reason for a person (src/domain/rejections); `reason` is English. */
  | { kind: 'rejected'; reason: string; code: 'invalid' | 'append_only' | 'unknown_record' | 'immutable'; params: Record<string, string> }

/** Field names of an entity's schema. */
const fieldNames = new Map<EntityName, Set<string>>(
  (Object.keys(ENTITIES) as EntityName[]).map((e) => [e, new Set(Object.keys(ENTITIES[e].schema.shape))]),
)

/** Apply one mutation to the stored state of its record (null: not stored yet). Never mutates its inputs. */
export function mergeMutation(entity: EntityName, current: StoredState | null, m: MergeInput): MergeOutcome {
  const def = ENTITIES[entity]
  const isCreate = m.op === 'put' && 'id' in m.fields

  // 1. fields are known, individually valid, and name this record
  const incoming = m.op === 'delete' ? { deleted: true } : fieldsToMerge(m.fields)
  const fieldError = checkFields(entity, m, incoming)
  if (fieldError) return invalidOutcome(fieldError)

  // 2. tombstones
  if (m.op === 'delete') {
    if (def.merge === 'append') {
      return { kind: 'rejected', reason: `${entity} are append-only and cannot be deleted`, code: 'append_only', params: { entity } }
    }
    if (!current) {
      const reason = `cannot delete ${entity} ${m.recordId}: the server does not know this record`
      return { kind: 'rejected', reason, code: 'unknown_record', params: { entity } }
    }
  }

  // 3. creation
  if (!current) {
    if (!isCreate) {
      const reason = `${entity} ${m.recordId} is unknown to the server; a create must carry the whole record with its id`
      return { kind: 'rejected', reason, code: 'unknown_record', params: { entity } }
    }
    const data: Record<string, unknown> = { deleted: false, ...incoming, id: m.recordId, hlc: m.hlc }
    const fieldHlc: Record<string, string> = {}
    for (const key of Object.keys(data)) if (key !== 'id') fieldHlc[key] = m.hlc
    const invalid = validateWhole(entity, data)
    return invalid ? invalidOutcome(invalid) : { kind: 'created', state: { data, fieldHlc } }
  }

  // 4. immutable and append-only records
  if (def.merge !== 'lww') {
    if (isCreate) return { kind: 'unchanged' }
    const allowed: readonly string[] = def.mutableFields
    const frozen = Object.keys(incoming).filter((k) => !allowed.includes(k) && !(k === 'deleted' && def.merge === 'immutable'))
    if (frozen.length) {
      const fields = frozen.join(', ')
      return { kind: 'rejected', reason: `${entity} cannot change after creation: ${fields}`, code: 'immutable', params: { entity, fields } }
    }
  }

  // 5. field last-writer-wins
  const data = { ...current.data }
  const fieldHlc = { ...current.fieldHlc }
  let changed = false
  for (const [key, value] of Object.entries(incoming)) {
    const stamp = fieldHlc[key] ?? ''
    if (!incomingWins(m.hlc, value, stamp, data[key])) continue
    if (stamp !== m.hlc || !sameValue(data[key], value)) changed = true
    data[key] = value
    fieldHlc[key] = m.hlc
  }
  if (!changed) return { kind: 'unchanged' }

  // 6. record stamp and whole-record check
  data.hlc = recordHlc(fieldHlc, String(current.data.hlc ?? ''))
  const invalid = validateWhole(entity, data)
  return invalid ? invalidOutcome(invalid) : { kind: 'updated', state: { data, fieldHlc } }
}

function invalidOutcome(reason: string): MergeOutcome {
  return { kind: 'rejected', reason, code: 'invalid', params: { detail: reason } }
}

/** Does a write (stamp, value) beat the stored (stamp, value) of one field? Total and order-free. */
export function incomingWins(incomingHlc: string, incomingValue: unknown, storedHlc: string, storedValue: unknown): boolean {
  if (incomingHlc !== storedHlc) return incomingHlc > storedHlc
  return jsonText(incomingValue) > jsonText(storedValue)
}

/** The stamp of a record's last change: the highest of its field stamps. */
export function recordHlc(fieldHlc: Record<string, string>, floor = ''): string {
  let max = floor
  for (const stamp of Object.values(fieldHlc)) if (stamp > max) max = stamp
  return max
}

/** The fields a put merges: everything but `hlc`, which the mutation's stamp replaces. */
function fieldsToMerge(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'hlc' || key === 'id' || value === undefined) continue
    out[key] = value
  }
  return out
}

function checkFields(entity: EntityName, m: MergeInput, incoming: Record<string, unknown>): string | null {
  if ('id' in m.fields && m.fields.id !== m.recordId) {
    return `the record id in fields (${String(m.fields.id)}) differs from recordId ${m.recordId}`
  }
  const known = fieldNames.get(entity)!
  const unknown = Object.keys(m.fields).filter((k) => !known.has(k))
  if (unknown.length) return `${entity} have no field ${unknown.join(', ')}`
  const shape = ENTITIES[entity].schema.shape as Record<string, z.ZodType>
  for (const [key, value] of Object.entries(incoming)) {
    const r = shape[key].safeParse(value)
    // Name the field in the message: `members.0.name: Too small …`.
    if (!r.success) return describeZodError(new z.ZodError(r.error.issues.map((i) => ({ ...i, path: [key, ...i.path] }))))
    // Keep what the schema parsed, not what was sent: keys a nested object does not declare
    // (members[].x, an event's data.x) are dropped instead of being stored and synced to every phone.
    incoming[key] = r.data
  }
  return null
}

function validateWhole(entity: EntityName, data: Record<string, unknown>): string | null {
  const r = ENTITIES[entity].schema.safeParse(data)
  return r.success ? null : describeZodError(r.error)
}

function jsonText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value)
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || jsonText(a) === jsonText(b)
}

/**
 * What a phone shows after a pull (DESIGN §4 "Pull"): the server's record with this device's
 * pending, not yet acknowledged mutations of it laid on top in outbox order, so a field with a
 * local edit keeps the local value until the server has answered. `record` null: not on the
 * server yet (only a pending create can bring it into being).
 */
export function overlayPending(
  record: Record<string, unknown> | null,
  pending: readonly MergeInput[],
): Record<string, unknown> | null {
  let out = record ? { ...record } : null
  for (const m of pending) {
    if (!out) {
      // Only a create (the whole record, its id in the fields) can bring a record into being.
      if (m.op !== 'put' || m.fields.id !== m.recordId) continue
      out = { deleted: false, ...m.fields, id: m.recordId }
    } else if (m.op === 'delete') {
      out.deleted = true
    } else {
      Object.assign(out, fieldsToMerge(m.fields))
    }
    if (!out.hlc || String(out.hlc) < m.hlc) out.hlc = m.hlc
  }
  return out
}
