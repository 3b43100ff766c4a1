/**
 * The phone's IndexedDB, through Dexie. This folder is the only code that knows Dexie.
 *
 * The schema only moves forward (DESIGN §7): each entry of SCHEMA_VERSIONS is one shipped
 * version; never edit a shipped entry, append a new one (with an upgrade if data must move) and
 * a test that opens every earlier version's data with it. No version may drop `outbox`.
 */
import Dexie, { type Table, type Transaction } from 'dexie'
import type { EntityName, EntityTypes } from '../domain/entities'
import { PackedTable, writePacked, type PackRow } from './packs'
import { SEALING_SKIPPED_FOR_BENCH, encryptionMiddleware } from './crypto/middleware'
import type { RejectionParams } from '../domain/rejections'
import type { OutboxEntry } from '../domain/sync'

/** A mutation the server rejected, kept for the worker to fix or discard (需处理). */
export interface RejectedEntry extends OutboxEntry {
  /** The server's English sentence (logs, older servers); the phone shows `code` + `params`. */
  reason: string
  /** A code of src/domain/rejections (absent from older servers: then `reason` is shown). */
  code?: string
  params?: RejectionParams
  rejectedAt: number
}

/** A photo or other blob, keyed by the SHA-256 of its bytes. */
export interface BlobEntry {
  sha256: string
  type: string
  size: number
  /**
   * null once evicted locally after upload (it can be fetched again). Bytes (not a Blob) when
   * stored under encryption: a Blob cannot be sealed inside the transaction (crypto/cipher.ts).
   * Read it through photoBlob() (blobs.ts).
   */
  data: Blob | Uint8Array | null
  /** 1 once the server has it. A number, because IndexedDB cannot index booleans. */
  uploaded: 0 | 1
  createdAt: number
}

export interface MetaEntry {
  key: string
  value: unknown
}

type EntityTables = { [E in EntityName]: Table<EntityTypes[E], string> }

/**
 * Entities stored packed (packs.ts) from version 4 on: read-mostly bulk data whose per-record
 * values and indexes cost most of a first download and of the phone's disk (DESIGN §6).
 */
export const PACKED_ENTITIES = ['households', 'visits'] as const
export type PackedEntity = (typeof PACKED_ENTITIES)[number]
export const isPacked = (entity: string): entity is PackedEntity => (PACKED_ENTITIES as readonly string[]).includes(entity)
const PACKED_SINCE = 4

/** What src/db asks of an entity's storage, whether a Dexie table or a packed one. */
export interface RecordStore<T> {
  get(id: string): Promise<T | undefined>
  bulkGet(ids: string[]): Promise<(T | undefined)[]>
  add(rec: T): Promise<unknown>
  put(rec: T): Promise<unknown>
  bulkPut(recs: T[]): Promise<unknown>
  delete(id: string): Promise<void>
  bulkDelete(ids: string[]): Promise<void>
  count(): Promise<number>
  toArray(): Promise<T[]>
}

interface SchemaVersion {
  version: number
  stores: Record<string, string | null>
  upgrade?: (tx: Transaction) => Promise<void>
}

const ENTITY_STORES_V1 = {
  grids: 'id, parentId, level',
  buildings: 'id, gridId',
  households: 'id, gridId, buildingId, [buildingId+unit+room]',
  visits: 'id, householdId, [householdId+startedAt], startedAt, workerId, gridId',
  patrols: 'id, workerId, gridId, startedAt',
  trackSegments: 'id, [patrolId+seq]',
  issues: 'id, gridId, householdId, reportedAt',
  issueEvents: 'id, issueId, [issueId+at]',
  checklists: 'id, kind',
  users: 'id',
}

export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      ...ENTITY_STORES_V1,
      // v1 kept rejected mutations in the outbox with `status: 'rejected'`.
      outbox: 'id, recordId, status',
      blobs: 'sha256, uploaded',
      meta: 'key',
    },
  },
  {
    version: 2,
    stores: {
      // Households by tag (today's due visits, special-group lists).
      households: 'id, gridId, buildingId, [buildingId+unit+room], *tags',
      // Rejections move to their own table so the push loop never re-reads them.
      outbox: 'id, recordId',
      rejected: 'id, recordId, rejectedAt',
    },
    async upgrade(tx) {
      const outbox = tx.table('outbox')
      const stale = await outbox.filter((e) => e.status === 'rejected').toArray()
      await tx.table('rejected').bulkPut(
        stale.map(({ status: _status, ...e }) => ({ ...e, reason: e.reason ?? '', rejectedAt: e.rejectedAt ?? Date.now() })),
      )
      await outbox.bulkDelete(stale.map((e) => e.id))
    },
  },
  {
    version: 3,
    stores: {
      // Every index is paid for on each write of the first download (20,000 households) and in
      // disk space (DESIGN §6). A single-field index that is the prefix of a compound one adds
      // nothing: households by building use [buildingId+unit+room], visits by household use
      // [householdId+startedAt] (see householdsInBuilding / visitsOfHousehold in queries.ts).
      households: 'id, gridId, [buildingId+unit+room], *tags',
      visits: 'id, [householdId+startedAt], startedAt, gridId',
    },
  },
  {
    version: 4,
    stores: {
      // Households and visits move into packs (packs.ts): up to 128 per value, no per-record index.
      households: null,
      visits: null,
      packs: 'key',
    },
    async upgrade(tx) {
      const packs = tx.table('packs') as Table<PackRow, string>
      for (const entity of PACKED_ENTITIES) {
        const rows = (await tx.table(entity).toArray()) as { id: string }[]
        await writePacked(packs, entity, new Map(rows.map((r) => [r.id, r])))
      }
    },
  },
  {
    version: 5,
    stores: {
      // 专项排查 (issue 21), synced from the server: a few campaigns, and their targets in this
      // worker's grids, read by campaign (src/db/campaigns.ts).
      campaigns: 'id',
      campaignTargets: 'id, campaignId',
    },
  },
]

export const LATEST_VERSION = SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1].version

export class FullGridDb extends Dexie {
  declare grids: EntityTables['grids']
  declare buildings: EntityTables['buildings']
  /** Packed (packs.ts); a Dexie table only in a database opened at a version before 4. */
  households: PackedTable<EntityTypes['households']>
  /** Packed (packs.ts); a Dexie table only in a database opened at a version before 4. */
  visits: PackedTable<EntityTypes['visits']>
  declare patrols: EntityTables['patrols']
  declare trackSegments: EntityTables['trackSegments']
  declare issues: EntityTables['issues']
  declare issueEvents: EntityTables['issueEvents']
  declare checklists: EntityTables['checklists']
  declare users: EntityTables['users']
  declare campaigns: EntityTables['campaigns']
  declare campaignTargets: EntityTables['campaignTargets']
  declare outbox: Table<OutboxEntry, string>
  declare rejected: Table<RejectedEntry, string>
  declare blobs: Table<BlobEntry, string>
  declare meta: Table<MetaEntry, string>
  declare packs: Table<PackRow, string>

  constructor(name = 'fullgrid', upTo: number = LATEST_VERSION) {
    super(name)
    // Encryption at rest (issue 19): a pass-through until a PIN is set (crypto/keyring.ts). Left
    // out only in the encryption bench's comparison build (SEALING_SKIPPED_FOR_BENCH).
    if (!SEALING_SKIPPED_FOR_BENCH) this.use(encryptionMiddleware)
    else console.warn('[FullGrid] benchmark build: records are stored unsealed (VITE_FULLGRID_NO_SEAL=1)')
    for (const v of SCHEMA_VERSIONS) {
      if (v.version > upTo) break
      const declared = this.version(v.version).stores(v.stores)
      if (v.upgrade) declared.upgrade(v.upgrade)
    }
    const packed = upTo >= PACKED_SINCE
    const packs = () => this.table('packs') as Table<PackRow, string>
    this.households = packed ? new PackedTable(this, 'households', packs()) : (this.table('households') as unknown as PackedTable<EntityTypes['households']>)
    this.visits = packed ? new PackedTable(this, 'visits', packs()) : (this.table('visits') as unknown as PackedTable<EntityTypes['visits']>)
  }

  /** The records of an entity, packed or not, through one interface. */
  recordStore<E extends EntityName>(entity: E): RecordStore<EntityTypes[E]> {
    if (isPacked(entity)) return this[entity] as unknown as RecordStore<EntityTypes[E]>
    return this.table(entity) as unknown as RecordStore<EntityTypes[E]>
  }

  /** The object store holding an entity's records, for transaction scopes. */
  storeOf(entity: EntityName): Table {
    return isPacked(entity) ? this.packs : this.table(entity)
  }

  /** Object stores of several entities, each once, for a transaction scope. */
  storesOf(entities: Iterable<EntityName>): Table[] {
    return [...new Set([...entities].map((e) => this.storeOf(e)))]
  }
}
