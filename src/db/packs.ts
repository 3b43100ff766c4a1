/**
 * Packed storage for read-mostly bulk records (issue 13, DESIGN §6): many records per IndexedDB
 * value instead of one value (and several index entries) per record. Chromium pays per value and
 * per index entry: 20,000 households cost ~2 s and ~15 MB one per value, ~0.25 s and ~5 MB packed.
 *
 * Layout in the `packs` object store (primary key `key`, no other index):
 *
 *   `<entity>|d|<bucket>`          directory of a bucket: a 32-bit fingerprint of each id, per chunk
 *   `<entity>|c|<bucket>|<seq>`    chunk: up to CHUNK_MAX whole records (deflated JSON)
 *
 * A record's bucket is a hash of its id, so finding one record reads one directory and the chunk
 * whose fingerprints hold the id's (a chunk read is always checked by id, so a rare collision only
 * costs one more chunk read). Fingerprints keep directories ~10× smaller than ids: every pulled
 * page rewrites the directories it touches, and LevelDB keeps each old copy until it compacts.
 * Writing:
 *   - an edit rewrites the one chunk that holds its record (the directory is unchanged);
 *   - new records of a bucket fill new chunks, each written once, so a first download of many
 *     pages writes every record about once; a few new records (a later pull, a saved visit) top
 *     up the bucket's last chunk while it is small instead of making a chunk per record;
 *   - a removed record leaves its chunk (an empty chunk is deleted) and its directory.
 * Every operation runs inside one Dexie transaction on `packs` (joining the caller's, so the one
 * write path still puts a record and its outbox entry in one transaction). Records are stored
 * whole, tombstones included, exactly as a per-record table held them.
 */
import Dexie, { type PromiseExtended, type Table } from 'dexie'
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate'

export interface PackedRecord {
  id: string
}

export interface PackDirectory {
  key: string
  /** chunk seq → fingerprints (fingerprintOf) of the ids of the records it holds */
  chunks: Record<number, Uint32Array>
  /** seq of the next chunk made in this bucket */
  next: number
}

/** A chunk as stored: its records as deflated JSON (see encodeRecords). */
export interface PackChunk {
  key: string
  z: Uint8Array
}

/** A chunk being read or written: its records as objects. */
interface OpenChunk<T extends PackedRecord> {
  key: string
  recs: T[]
}

/**
 * Records are stored as deflated JSON: the demo's households hold mostly Chinese text, which V8's
 * structured clone keeps as UTF-16 and LevelDB's snappy barely compresses (~14 MB for 20,000);
 * deflated they are ~2.5 MB. Synchronous (fflate), so it runs inside the IndexedDB transaction.
 * Records are plain JSON data (what the server sends); an undefined field is dropped, as on the wire.
 */
function encodeRecords(recs: readonly PackedRecord[]): Uint8Array {
  return deflateSync(strToU8(JSON.stringify(recs)), { level: 1 })
}

export function decodeRecords<T extends PackedRecord>(chunk: PackChunk): T[] {
  return JSON.parse(strFromU8(inflateSync(chunk.z))) as T[]
}

const openChunk = <T extends PackedRecord>(c: PackChunk): OpenChunk<T> => ({ key: c.key, recs: decodeRecords<T>(c) })
const closeChunk = (c: OpenChunk<PackedRecord>): PackChunk => ({ key: c.key, z: encodeRecords(c.recs) })

export type PackRow = PackDirectory | PackChunk

/** Buckets per entity: a directory stays small (20,000 records → ~600 ids) and few are read. */
export const BUCKETS = 32
/** Records per chunk at most (~100 KB of households): an edit rewrites one chunk. */
export const CHUNK_MAX = 128
/**
 * A few new records (a saved visit, a small pull) top up the bucket's last chunk while it holds at
 * most this many, so a single write rewrites ~20 KB, not a full chunk; past it they start a chunk.
 */
const TOP_UP_MAX = 32

/** FNV-1a of the id: spreads UUIDv7 ids (time first) evenly over the buckets. */
export function bucketOf(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % BUCKETS
}

/** A second hash of the id (FNV-1a from another basis): what directories keep instead of ids. */
function fnvFingerprint(id: string): number {
  let h = 0x9747b28c
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * The fingerprint in use. Tests swap in one that collides on purpose (a real collision of two ids in
 * one bucket is a ~1 in 10^5 event for a street office), to check the path that resolves it.
 */
export const fingerprinting = { of: fnvFingerprint }
export const fingerprintOf = (id: string): number => fingerprinting.of(id)

const fingerprints = (recs: readonly PackedRecord[]) => Uint32Array.from(recs, (r) => fingerprintOf(r.id))

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const dirKey = (entity: string, bucket: number) => `${entity}|d|${pad(bucket, 2)}`
const chunkKey = (entity: string, bucket: number, seq: number) => `${entity}|c|${pad(bucket, 2)}|${pad(seq, 6)}`
const chunkRange = (entity: string): [string, string] => [`${entity}|c|`, `${entity}|c|\uffff`]
const dirRange = (entity: string): [string, string] => [`${entity}|d|`, `${entity}|d|\uffff`]

type PackTable = Table<PackRow, string>

/** fingerprint → the chunks (seq) that may hold a record with it */
function reverse(dir: PackDirectory | undefined): Map<number, number[]> {
  const at = new Map<number, number[]>()
  if (dir)
    for (const [seq, fps] of Object.entries(dir.chunks))
      for (const fp of fps) {
        const list = at.get(fp)
        if (list) list.push(Number(seq))
        else at.set(fp, [Number(seq)])
      }
  return at
}

// Every function here chains Dexie's own promises (`.then`) instead of awaiting native ones: a
// Dexie promise carries its transaction to the next step whatever else runs meanwhile, while a
// chain of native awaits inside a transaction can lose it when other database work interleaves
// (the transaction then commits early and the next step fails).

/** Records by id (undefined where absent), reading one directory and one chunk per record. */
export function readPacked<T extends PackedRecord>(table: PackTable, entity: string, ids: readonly string[]): PromiseExtended<(T | undefined)[]> {
  if (!ids.length) return Dexie.Promise.resolve([]) as PromiseExtended<(T | undefined)[]>
  const buckets = [...new Set(ids.map(bucketOf))]
  return table.bulkGet(buckets.map((b) => dirKey(entity, b))).then((dirs) => {
    const where = new Map<number, Map<number, number[]>>()
    buckets.forEach((b, i) => where.set(b, reverse(dirs[i] as PackDirectory | undefined)))
    const wanted = new Set<string>()
    for (const id of ids) {
      const b = bucketOf(id)
      for (const seq of where.get(b)!.get(fingerprintOf(id)) ?? []) wanted.add(chunkKey(entity, b, seq))
    }
    return table.bulkGet([...wanted]).then((chunks) => {
      const byId = new Map<string, T>()
      for (const c of chunks as (PackChunk | undefined)[]) if (c) for (const r of decodeRecords<T>(c)) byId.set(r.id, r)
      return ids.map((id) => byId.get(id))
    })
  })
}

/** How many records (tombstones included) the entity holds: its directories only are read. */
export function countPacked(table: PackTable, entity: string): PromiseExtended<number> {
  const [from, to] = dirRange(entity)
  let n = 0
  return table
    .where('key')
    .between(from, to)
    .each((d) => {
      for (const fps of Object.values((d as PackDirectory).chunks)) n += fps.length
    })
    .then(() => n)
}

/**
 * Puts and deletes in one pass, in the order given (a later operation on an id wins). `put` of an
 * id already stored replaces it where it is; `null` deletes. With `onlyNew` (an add) an id found
 * stored fails the write with a ConstraintError: the check rides on the directory and chunks the
 * write reads anyway, instead of a read of its own before it (a visit save reads its bucket once).
 */
export function writePacked<T extends PackedRecord>(
  table: PackTable,
  entity: string,
  ops: ReadonlyMap<string, T | null>,
  opts: { onlyNew?: boolean } = {},
): PromiseExtended<void> {
  if (!ops.size) return Dexie.Promise.resolve() as PromiseExtended<void>
  const byBucket = new Map<number, Map<string, T | null>>()
  for (const [id, op] of ops) {
    const b = bucketOf(id)
    let m = byBucket.get(b)
    if (!m) byBucket.set(b, (m = new Map()))
    m.set(id, op)
  }
  const buckets = [...byBucket.keys()]
  return table.bulkGet(buckets.map((b) => dirKey(entity, b))).then((dirRows) => {
    const dirs = dirRows as (PackDirectory | undefined)[]
    // Which chunks must be read: those holding a record that changes, and a last chunk to top up.
    const plans: Plan<T>[] = []
    const toRead = new Set<string>()
    buckets.forEach((bucket, i) => {
      const dir: PackDirectory = dirs[i] ?? { key: dirKey(entity, bucket), chunks: {}, next: 0 }
      const candidates = reverse(dirs[i])
      const fresh: T[] = []
      for (const [id, op] of byBucket.get(bucket)!) {
        const seqs = candidates.get(fingerprintOf(id))
        if (seqs) for (const seq of seqs) toRead.add(chunkKey(entity, bucket, seq))
        else if (op) fresh.push(op)
      }
      let topUp: number | null = null
      if (fresh.length && fresh.length < TOP_UP_MAX) {
        const seqs = Object.keys(dir.chunks).map(Number)
        const last = seqs.length ? Math.max(...seqs) : null
        if (last !== null && dir.chunks[last].length + fresh.length <= TOP_UP_MAX) {
          topUp = last
          toRead.add(chunkKey(entity, bucket, last))
        }
      }
      plans.push({ bucket, dir, candidates, fresh, topUp })
    })
    const readKeys = [...toRead]
    return table.bulkGet(readKeys).then((read) => {
      const chunks = new Map<string, OpenChunk<T>>()
      readKeys.forEach((k, i) => {
        const stored = read[i] as PackChunk | undefined
        chunks.set(k, stored ? openChunk<T>(stored) : { key: k, recs: [] })
      })
      const { puts, deletes } = applyPlans(entity, plans, byBucket, chunks, opts.onlyNew ?? false)
      return table.bulkPut(puts).then(() => (deletes.length ? table.bulkDelete(deletes) : undefined))
    })
  })
}

interface Plan<T> {
  bucket: number
  dir: PackDirectory
  candidates: Map<number, number[]>
  fresh: T[]
  topUp: number | null
}

/** The chunks and directories to write (and the emptied ones to delete) once the needed chunks are read. */
function applyPlans<T extends PackedRecord>(
  entity: string,
  plans: readonly Plan<T>[],
  byBucket: ReadonlyMap<number, ReadonlyMap<string, T | null>>,
  chunks: Map<string, OpenChunk<T>>,
  onlyNew: boolean,
): { puts: PackRow[]; deletes: string[] } {
  const changed = new Set<string>()
  for (const p of plans) {
    // Where each candidate really is: the chunks read are checked by id.
    const at = new Map<string, number>()
    for (const [id] of byBucket.get(p.bucket)!) {
      for (const seq of p.candidates.get(fingerprintOf(id)) ?? []) {
        if (chunks.get(chunkKey(entity, p.bucket, seq))!.recs.some((r) => r.id === id)) at.set(id, seq)
      }
      if (onlyNew && at.has(id)) throw new Dexie.ConstraintError(`${entity} ${id} already exists`)
    }
    // Records already stored: replaced or removed in their chunk. A fingerprint that matched
    // another record's (a collision) leaves a put to be stored as new.
    const bySeq = new Map<number, Map<string, T | null>>()
    for (const [id, op] of byBucket.get(p.bucket)!) {
      const seq = at.get(id)
      if (seq === undefined) {
        if (op && p.candidates.has(fingerprintOf(id))) p.fresh.push(op)
        continue
      }
      let m = bySeq.get(seq)
      if (!m) bySeq.set(seq, (m = new Map()))
      m.set(id, op)
    }
    for (const [seq, m] of bySeq) {
      const key = chunkKey(entity, p.bucket, seq)
      const chunk = chunks.get(key)!
      const recs: T[] = []
      for (const r of chunk.recs) {
        if (!m.has(r.id)) recs.push(r)
        else if (m.get(r.id)) recs.push(m.get(r.id)!)
      }
      chunk.recs = recs
      p.dir.chunks[seq] = fingerprints(recs)
      changed.add(key)
    }
    // New records: top up the last chunk, or fill new ones.
    const topUp = p.topUp !== null ? chunks.get(chunkKey(entity, p.bucket, p.topUp))! : null
    if (topUp && topUp.recs.length + p.fresh.length <= CHUNK_MAX) {
      topUp.recs = [...topUp.recs, ...p.fresh]
      p.dir.chunks[p.topUp!] = fingerprints(topUp.recs)
      changed.add(topUp.key)
    } else {
      for (let i = 0; i < p.fresh.length; i += CHUNK_MAX) {
        const seq = p.dir.next++
        const key = chunkKey(entity, p.bucket, seq)
        const recs = p.fresh.slice(i, i + CHUNK_MAX)
        chunks.set(key, { key, recs })
        p.dir.chunks[seq] = fingerprints(recs)
        changed.add(key)
      }
    }
  }
  const puts: PackRow[] = []
  const deletes: string[] = []
  for (const key of changed) {
    const chunk = chunks.get(key)!
    if (chunk.recs.length) puts.push(closeChunk(chunk))
    else deletes.push(key)
  }
  for (const p of plans) {
    for (const [seq, fps] of Object.entries(p.dir.chunks)) if (!fps.length) delete p.dir.chunks[Number(seq)]
    if (Object.keys(p.dir.chunks).length) puts.push(p.dir)
    else deletes.push(p.dir.key)
  }
  return { puts, deletes }
}

/**
 * One packed entity seen as a table: the reads and writes the rest of src/db uses on entity
 * tables. Each call is one transaction on `packs`, or a part of the caller's transaction.
 */
export class PackedTable<T extends PackedRecord> {
  constructor(
    private readonly db: Dexie,
    readonly entity: string,
    /** The object store holding the packs, for transaction scopes. */
    readonly store: PackTable,
  ) {}

  /**
   * Inside a transaction that covers `packs` the steps simply join it, as a Table operation
   * would (a nested db.transaction() would lock its parent while it runs). Otherwise the steps
   * get a transaction of their own.
   */
  private run<R>(mode: 'r' | 'rw', fn: () => PromiseExtended<R>): PromiseExtended<R> {
    const current = Dexie.currentTransaction
    if (current && current.storeNames.includes(this.store.name) && (mode === 'r' || current.mode === 'readwrite')) return fn()
    return this.db.transaction(mode, this.store, fn) as PromiseExtended<R>
  }

  get(id: string): PromiseExtended<T | undefined> {
    return this.bulkGet([id]).then((r) => r[0])
  }

  bulkGet(ids: readonly string[]): PromiseExtended<(T | undefined)[]> {
    return this.run('r', () => readPacked<T>(this.store, this.entity, ids))
  }

  /** Every record of the entity, chunk by chunk. */
  toArray(): PromiseExtended<T[]> {
    return this.allChunks().then((chunks) => chunks.flatMap(([, recs]) => recs))
  }

  count(): PromiseExtended<number> {
    return this.run('r', () => countPacked(this.store, this.entity))
  }

  /** Records that satisfy `keep`, at most `limit` of them (a full scan: packs have no index). */
  filter(keep: (r: T) => boolean, limit = Infinity): PromiseExtended<T[]> {
    return this.toArray().then((all) => {
      const out: T[] = []
      for (const r of all) {
        if (out.length >= limit) break
        if (keep(r)) out.push(r)
      }
      return out
    })
  }

  /** Like Table.add: fails when a record with this id is stored already. */
  add(rec: T): PromiseExtended<string> {
    return this.run('rw', () => writePacked(this.store, this.entity, new Map([[rec.id, rec]]), { onlyNew: true }).then(() => rec.id))
  }

  put(rec: T): PromiseExtended<string> {
    return this.bulkPut([rec]).then(() => rec.id)
  }

  bulkPut(recs: readonly T[]): PromiseExtended<void> {
    return this.run('rw', () => writePacked(this.store, this.entity, new Map(recs.map((r) => [r.id, r]))))
  }

  delete(id: string): PromiseExtended<void> {
    return this.bulkDelete([id])
  }

  bulkDelete(ids: readonly string[]): PromiseExtended<void> {
    return this.run('rw', () => writePacked<T>(this.store, this.entity, new Map(ids.map((id) => [id, null]))))
  }

  /** Removes every record of the entity (its chunks and directories). */
  clear(): PromiseExtended<void> {
    const [c0, c1] = chunkRange(this.entity)
    const [d0, d1] = dirRange(this.entity)
    return this.run('rw', () =>
      this.store
        .where('key')
        .between(c0, c1)
        .delete()
        .then(() => this.store.where('key').between(d0, d1).delete())
        .then(() => undefined),
    )
  }

  /** Is this key of the packs store one of this entity's chunks? (for watchers of `packs` writes) */
  isChunkKey(key: string): boolean {
    return key.startsWith(`${this.entity}|c|`)
  }

  /** Every chunk of the entity with its records, keyed as stored. */
  allChunks(): PromiseExtended<[string, T[]][]> {
    const [from, to] = chunkRange(this.entity)
    return this.run('r', () =>
      this.store
        .where('key')
        .between(from, to)
        .toArray()
        .then((chunks) => (chunks as PackChunk[]).map((c): [string, T[]] => [c.key, decodeRecords<T>(c)])),
    )
  }

  /** The records of the chunks named (undefined for a chunk no longer stored). */
  chunkRecords(keys: string[]): PromiseExtended<(T[] | undefined)[]> {
    return this.run('r', () => this.store.bulkGet(keys).then((chunks) => (chunks as (PackChunk | undefined)[]).map((c) => (c ? decodeRecords<T>(c) : undefined))))
  }
}
