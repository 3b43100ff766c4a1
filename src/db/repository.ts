/**
 * The one write path for features: a record and its outbox entry are written in one Dexie
 * transaction, stamped by the device's hybrid logical clock. If the transaction aborts, nothing
 * is queued; if it commits, the change will reach the server (DESIGN §4 "Outbox").
 */
import Dexie from 'dexie'
import { ENTITIES, describeZodError, type EntityName, type EntityTypes } from '../domain/entities'
import { uuidv7 } from '../domain/ids'
import type { OutboxEntry } from '../domain/sync'
import { nextStamp } from './clock'
import type { FullGridDb, RecordStore } from './schema'
import { withSpace } from './quota'
import { keepPendingCount } from './pendingCount'
import { escrowCopy } from './escrow'

/** The fields a feature supplies; id is optional (made here), hlc and deleted are ours. */
export type NewRecord<E extends EntityName> = Omit<EntityTypes[E], 'id' | 'hlc' | 'deleted'> & { id?: string }
export type RecordPatch<E extends EntityName> = Partial<Omit<EntityTypes[E], 'id' | 'hlc' | 'deleted'>>

/** A record that fails its schema; `message` names the fields in words a person can read. */
export class ValidationError extends Error {
  override name = 'ValidationError'
}

/** The browser refused to store more (QuotaExceededError); nothing of the write was kept. */
export class StorageFullError extends Error {
  override name = 'StorageFullError'
  constructor() {
    super('手机存储空间不足，这条记录还没有保存（已保存的记录都在）。请联网同步、清理手机空间后再点保存。 / Storage is full: this record is not saved yet (everything saved before is kept).')
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

export interface RepositoryOptions {
  now?: () => number
}

export class Repository {
  private readonly now: () => number

  constructor(
    private readonly db: FullGridDb,
    opts: RepositoryOptions = {},
  ) {
    this.now = opts.now ?? Date.now
  }

  async create<E extends EntityName>(entity: E, data: NewRecord<E>): Promise<EntityTypes[E]> {
    return this.write(entity, async (table, stamp) => {
      const id = data.id ?? uuidv7(this.now())
      const record = this.validate(entity, { ...data, id, hlc: stamp, deleted: false })
      // add, not get + put: a packed table checks on the directory its write reads anyway, so a
      // save reads its bucket's directory once (issue 20); a plain table's add checks natively.
      try {
        await table.add(record)
      } catch (err) {
        if ((err as { name?: string }).name === Dexie.errnames.Constraint) throw new ValidationError(`${entity} ${id} already exists`)
        throw err
      }
      return { record, fields: { ...record } as Record<string, unknown>, op: 'put' as const }
    })
  }

  /** Changes some fields; only the fields whose value differs travel to the server. */
  async update<E extends EntityName>(entity: E, id: string, patch: RecordPatch<E>): Promise<EntityTypes[E]> {
    return this.write(entity, async (table, stamp) => {
      const current = await table.get(id)
      if (!current) throw new NotFoundError(`${entity} ${id} not found`)
      const changed = changedFields(current as Record<string, unknown>, patch as Record<string, unknown>)
      const mutable = ENTITIES[entity].mutableFields
      const frozen = mutable ? Object.keys(changed).filter((f) => !mutable.includes(f as never)) : []
      if (frozen.length) throw new ValidationError(`${entity} cannot change after creation: ${frozen.join(', ')}`)
      if (Object.keys(changed).length === 0) return { record: current, fields: null, op: 'put' as const }
      const record = this.validate(entity, { ...current, ...changed, hlc: stamp })
      await table.put(record)
      return { record, fields: changed, op: 'put' as const }
    })
  }

  /** Tombstones a record: it stays (as deleted) until the server has the delete. */
  async remove<E extends EntityName>(entity: E, id: string): Promise<void> {
    await this.write(entity, async (table, stamp) => {
      const current = await table.get(id)
      if (!current) throw new NotFoundError(`${entity} ${id} not found`)
      const record = { ...current, deleted: true, hlc: stamp } as EntityTypes[E]
      await table.put(record)
      return { record, fields: { deleted: true }, op: 'delete' as const }
    })
  }

  /**
   * Queues a refused change again (需处理 → 重新提交) as a new mutation with a new stamp: it is a new
   * decision of the worker. Checked like any write; all its fields travel, also those equal to
   * what the phone shows now (the server may still hold another value).
   */
  async resubmit<E extends EntityName>(entity: E, recordId: string, op: 'put' | 'delete', fields: Record<string, unknown>): Promise<EntityTypes[E]> {
    return this.write(entity, async (table, stamp) => {
      const current = (await table.get(recordId)) as Record<string, unknown> | undefined
      const given: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(fields)) if (k !== 'hlc' && v !== undefined) given[k] = v
      if (op === 'delete') {
        if (!current) throw new NotFoundError(`${entity} ${recordId} is no longer on this phone`)
        const record = { ...current, deleted: true, hlc: stamp } as EntityTypes[E]
        await table.put(record)
        return { record, fields: { deleted: true }, op: 'delete' as const }
      }
      if (given.id === recordId) {
        // A create: the whole record travels again, over whatever the phone holds of it now.
        const record = this.validate(entity, { deleted: false, ...current, ...given, id: recordId, hlc: stamp })
        await table.put(record)
        return { record, fields: { ...given, hlc: stamp }, op: 'put' as const }
      }
      if (!current) throw new NotFoundError(`${entity} ${recordId} is no longer on this phone`)
      const mutable = ENTITIES[entity].mutableFields
      const frozen = mutable ? Object.keys(given).filter((f) => f !== 'deleted' && !mutable.includes(f as never)) : []
      if (frozen.length) throw new ValidationError(`${entity} cannot change after creation: ${frozen.join(', ')}`)
      const record = this.validate(entity, { ...current, ...given, id: recordId, hlc: stamp })
      await table.put(record)
      return { record, fields: given, op: 'put' as const }
    })
  }

  private validate<E extends EntityName>(entity: E, value: unknown): EntityTypes[E] {
    const result = ENTITIES[entity].schema.safeParse(value)
    if (!result.success) throw new ValidationError(describeZodError(result.error))
    return result.data as EntityTypes[E]
  }

  private async write<E extends EntityName>(
    entity: E,
    body: (
      table: RecordStore<EntityTypes[E]>,
      stamp: string,
    ) => Promise<{ record: EntityTypes[E]; fields: Record<string, unknown> | null; op: 'put' | 'delete' }>,
  ): Promise<EntityTypes[E]> {
    const db = this.db
    const table = db.recordStore(entity)
    // An issue and its events are one 待同步 record (pendingCount.ts): keeping that count needs the events.
    const issueish = entity === 'issues' || entity === 'issueEvents'
    const scope = [...new Set([db.storeOf(entity), db.outbox, db.meta, ...(issueish ? [db.issueEvents] : [])])]
    try {
      // Quota (src/db/quota.ts): a full disk first drops what exists elsewhere, then retries once.
      return await withSpace(db, () => db.transaction('rw', scope, async () => {
        const stamp = await this.nextStamp()
        const { record, fields, op } = await body(table, stamp)
        if (fields) {
          const entry: OutboxEntry = {
            id: uuidv7(this.now()),
            entity,
            recordId: record.id,
            op,
            fields,
            hlc: stamp,
            queuedAt: this.now(),
            attempts: 0,
          }
          // What push would send, also sealed to the server's escrow key (escrow.ts), so a locked phone can send it.
          const escrow = escrowCopy({ id: entry.id, entity, recordId: entry.recordId, op, fields, hlc: stamp })
          if (escrow) entry.escrow = escrow
          const issueId = entity === 'issueEvents' ? (record as { issueId?: unknown }).issueId : undefined
          // The 待同步 count moves in this transaction, so the UI watches one row (issue 20).
          await keepPendingCount(db, [{ entity, recordId: record.id, issueId }], issueish, () => db.outbox.add(entry))
        }
        return record
      }))
    } catch (err) {
      if (isQuotaError(err)) throw new StorageFullError()
      throw err
    }
  }

  /** Issue the next HLC stamp inside the caller's transaction, so two tabs never reuse one. */
  private nextStamp(): Promise<string> {
    return nextStamp(this.db, this.now)
  }
}

/** Fields of `patch` whose value differs from `current` (deep, by JSON value). */
export function changedFields(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'id' || key === 'hlc' || key === 'deleted') continue
    if (JSON.stringify(current[key]) !== JSON.stringify(value)) out[key] = value
  }
  return out
}

export function isQuotaError(err: unknown): boolean {
  const e = err as { name?: string; inner?: { name?: string } } | null
  return e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError' || e?.name === Dexie.errnames.QuotaExceeded
}
