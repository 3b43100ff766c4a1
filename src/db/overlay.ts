/**
 * Pending overlay and the server base (DESIGN §4 "Pull").
 *
 * A pulled record that still has pending outbox entries is stored as "server value + pending
 * fields replayed on top" (the one overlay rule, `overlayPending` of src/domain/merge.ts), so the
 * worker's unacknowledged edit stays visible. The server value itself is kept beside it as the
 * record's *base* (a meta row `syncBase:<entity>:<id>`) until the last pending entry of that
 * record is answered. Then (settlePush.ts):
 * - an acknowledged entry stamped after the base certainly won every field it carries on the
 *   server (the base's record stamp bounds every field stamp the server had), so it is folded into
 *   the base;
 * - an acknowledged entry stamped at or before the base may have lost; if it won a field the
 *   server changed the record and the next pull brings it, if it lost nothing comes back — so the
 *   base value is the right one to show;
 * - a rejected entry is dropped from the overlay.
 * Without this, a losing or duplicate write replayed over a pulled record would stay on the
 * phone forever, because the server has no newer change to send for it.
 */
import type { EntityName } from '../domain/entities'
import { overlayPending } from '../domain/merge'
import type { OutboxEntry } from '../domain/sync'
import type { FullGridDb, RecordStore } from './schema'

export type Rec = Record<string, unknown> & { id: string; hlc: string; deleted: boolean }

export const BASE_PREFIX = 'syncBase:'
export const baseKey = (entity: string, id: string): string => `${BASE_PREFIX}${entity}:${id}`
export const recordKey = (entity: string, id: string): string => `${entity}:${id}`

/** An entity's records (a Dexie table or packed, see schema.ts) as plain records. */
export function entityTable(db: FullGridDb, entity: EntityName): RecordStore<Rec> {
  return db.recordStore(entity) as unknown as RecordStore<Rec>
}

/** The order the writes happened: HLC, then id. */
export function byHlc(a: OutboxEntry, b: OutboxEntry): number {
  return a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** A create carries the whole record, with its id. */
export function isCreate(entry: Pick<OutboxEntry, 'op' | 'recordId' | 'fields'>): boolean {
  return entry.op === 'put' && entry.fields.id === entry.recordId
}

/** Replays outbox entries over a record in HLC order; the result's stamp is the highest seen. */
export function replay(base: Rec | undefined, entries: readonly OutboxEntry[]): Rec | undefined {
  const out = overlayPending(base ?? null, [...entries].sort(byHlc))
  return (out ?? undefined) as Rec | undefined
}
