/**
 * Packed storage for read-mostly bulk records (issue 13, DESIGN §6): many records per IndexedDB
 * value instead of one value (and several index entries) per record. Chromium pays per value and
 * per index entry: 20,000 households cost ~2 s and ~15 MB one per value, ~0.25 s and ~5 MB packed.
 *
 * Layout in the `packs` object store (primary key `key`, no other index):
 *
 *   `<entity>|d|<bucket>`          directory of a bucket: the ids each of its chunks holds
 *   `<entity>|c|<bucket>|<seq>`    chunk: up to CHUNK_MAX whole records
 *
 * A record's bucket is a hash of its id, so finding one record reads one directory and one chunk.
 * Writing:
 *   - an edit rewrites the one chunk that holds its record (the directory is unchanged);
 *   - new records of a bucket fill new chunks, each written once, so a first download of many
 *     pages writes every record about once; a few new records (a later pull, a worker's new
 *     household) top up the bucket's last chunk instead of making a chunk per record;
 *   - a removed record leaves its chunk (an empty chunk is deleted) and its directory.
 * Every operation runs inside one Dexie transaction on `packs` (joining the caller's, so the one
 * write path still puts a record and its outbox entry in one transaction). Records are stored
 * whole, tombstones included, exactly as a per-record table held them.
 */
import Dexie, { type Table } from 'dexie'

export interface PackedRecord {
  id: string
}

export interface PackDirectory {
  key: string
  /** chunk seq → ids of the records it holds */
  chunks: Record<number, string[]>
  /** seq of the next chunk made in this bucket */
  next: number
}

export interface PackChunk<T extends PackedRecord = PackedRecord> {
  key: string
  recs: T[]
}

export type PackRow = PackDirectory | PackChunk

/** Buckets per entity: a directory stays small (20,000 records → ~600 ids) and few are read. */
export const BUCKETS = 32
/** Records per chunk at most (~100 KB of households): an edit rewrites one chunk. */
export const CHUNK_MAX = 128
/** New records of a bucket fewer than this top up its last chunk rather than starting one. */
const TOP_UP_BELOW = CHUNK_MAX / 4

/** FNV-1a of the id: spreads UUIDv7 ids (time first) evenly over the buckets. */
export function bucketOf(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % BUCKETS
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')
export const dirKey = (entity: string, bucket: number) => `${entity}|d|${pad(bucket, 2)}`
const chunkKey = (entity: string, bucket: number, seq: number) => `${entity}|c|${pad(bucket, 2)}|${pad(seq, 6)}`
const chunkRange = (entity: string): [string, string] => [`${entity}|c|`, `${entity}|c|\uffff`]
const dirRange = (entity: string): [string, string] => [`${entity}|d|`, `${entity}|d|\uffff`]

type PackTable = Table<PackRow, string>

function reverse(dir: PackDirectory | undefined): Map<string, number> {
  const at = new Map<string, number>()
  if (dir) for (const [seq, ids] of Object.entries(dir.chunks)) for (const id of ids) at.set(id, Number(seq))
  return at
}

/** Records by id (undefined where absent), reading one directory and one chunk per record. */
export async function readPacked<T extends PackedRecord>(table: PackTable, entity: string, ids: readonly string[]): Promise<(T | undefined)[]> {
  if (!ids.length) return []
  const buckets = [...new Set(ids.map(bucketOf))]
  const dirs = (await table.bulkGet(buckets.map((b) => dirKey(entity, b)))) as (PackDirectory | undefined)[]
  const where = new Map<number, Map<string, number>>()
  buckets.forEach((b, i) => where.set(b, reverse(dirs[i])))
  const wanted = new Set<string>()
  for (const id of ids) {
    const b = bucketOf(id)
    const seq = where.get(b)!.get(id)
    if (seq !== undefined) wanted.add(chunkKey(entity, b, seq))
  }
  const keys = [...wanted]
  const chunks = (await table.bulkGet(keys)) as (PackChunk<T> | undefined)[]
  const byId = new Map<string, T>()
  for (const c of chunks) if (c) for (const r of c.recs) byId.set(r.id, r)
  return ids.map((id) => byId.get(id))
}

/** Every record of the entity, chunk by chunk. */
export async function readAllPacked<T extends PackedRecord>(table: PackTable, entity: string): Promise<T[]> {
  const [from, to] = chunkRange(entity)
  const chunks = (await table.where('key').between(from, to).toArray()) as PackChunk<T>[]
  const out: T[] = []
  for (const c of chunks) for (const r of c.recs) out.push(r)
  return out
}

/** How many records (tombstones included) the entity holds: its directories only are read. */
export async function countPacked(table: PackTable, entity: string): Promise<number> {
  const [from, to] = dirRange(entity)
  let n = 0
  await table
    .where('key')
    .between(from, to)
    .each((d) => {
      for (const ids of Object.values((d as PackDirectory).chunks)) n += ids.length
    })
  return n
}

/**
 * Puts and deletes in one pass, in the order given (a later operation on an id wins). `put` of an
 * id already stored replaces it where it is; `null` deletes.
 */
export async function writePacked<T extends PackedRecord>(table: PackTable, entity: string, ops: ReadonlyMap<string, T | null>): Promise<void> {
  if (!ops.size) return
  const byBucket = new Map<number, Map<string, T | null>>()
  for (const [id, op] of ops) {
    const b = bucketOf(id)
    let m = byBucket.get(b)
    if (!m) byBucket.set(b, (m = new Map()))
    m.set(id, op)
  }
  const buckets = [...byBucket.keys()]
  const dirs = (await table.bulkGet(buckets.map((b) => dirKey(entity, b)))) as (PackDirectory | undefined)[]

  // Which chunks must be read: those holding a record that changes, and a last chunk to top up.
  interface Plan {
    bucket: number
    dir: PackDirectory
    at: Map<string, number>
    fresh: T[]
    topUp: number | null
  }
  const plans: Plan[] = []
  const toRead = new Set<string>()
  buckets.forEach((bucket, i) => {
    const dir: PackDirectory = dirs[i] ?? { key: dirKey(entity, bucket), chunks: {}, next: 0 }
    const at = reverse(dirs[i])
    const fresh: T[] = []
    for (const [id, op] of byBucket.get(bucket)!) {
      const seq = at.get(id)
      if (seq !== undefined) toRead.add(chunkKey(entity, bucket, seq))
      else if (op) fresh.push(op)
    }
    let topUp: number | null = null
    if (fresh.length && fresh.length < TOP_UP_BELOW) {
      const seqs = Object.keys(dir.chunks).map(Number)
      const last = seqs.length ? Math.max(...seqs) : null
      if (last !== null && dir.chunks[last].length + fresh.length <= CHUNK_MAX) {
        topUp = last
        toRead.add(chunkKey(entity, bucket, last))
      }
    }
    plans.push({ bucket, dir, at, fresh, topUp })
  })
  const readKeys = [...toRead]
  const read = (await table.bulkGet(readKeys)) as (PackChunk<T> | undefined)[]
  const chunks = new Map<string, PackChunk<T>>()
  readKeys.forEach((k, i) => chunks.set(k, read[i] ?? { key: k, recs: [] }))

  const changed = new Set<string>()
  for (const p of plans) {
    const ops = byBucket.get(p.bucket)!
    // Records already stored: replaced or removed in their chunk.
    const bySeq = new Map<number, Map<string, T | null>>()
    for (const [id, op] of ops) {
      const seq = p.at.get(id)
      if (seq === undefined) continue
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
      p.dir.chunks[seq] = recs.map((r) => r.id)
      changed.add(key)
    }
    // New records: top up the last chunk, or fill new ones.
    if (p.topUp !== null) {
      const key = chunkKey(entity, p.bucket, p.topUp)
      const chunk = chunks.get(key)!
      chunk.recs = [...chunk.recs, ...p.fresh]
      p.dir.chunks[p.topUp] = chunk.recs.map((r) => r.id)
      changed.add(key)
    } else {
      for (let i = 0; i < p.fresh.length; i += CHUNK_MAX) {
        const seq = p.dir.next++
        const key = chunkKey(entity, p.bucket, seq)
        const recs = p.fresh.slice(i, i + CHUNK_MAX)
        chunks.set(key, { key, recs })
        p.dir.chunks[seq] = recs.map((r) => r.id)
        changed.add(key)
      }
    }
  }

  const puts: PackRow[] = []
  const deletes: string[] = []
  for (const key of changed) {
    const chunk = chunks.get(key)!
    if (chunk.recs.length) puts.push(chunk)
    else deletes.push(key)
  }
  for (const p of plans) {
    for (const [seq, ids] of Object.entries(p.dir.chunks)) if (!ids.length) delete p.dir.chunks[Number(seq)]
    if (Object.keys(p.dir.chunks).length) puts.push(p.dir)
    else deletes.push(p.dir.key)
  }
  if (puts.length) await table.bulkPut(puts)
  if (deletes.length) await table.bulkDelete(deletes)
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

  private read<R>(fn: () => Promise<R>): Promise<R> {
    return this.db.transaction('r', this.store, fn)
  }

  private write<R>(fn: () => Promise<R>): Promise<R> {
    return this.db.transaction('rw', this.store, fn)
  }

  async get(id: string): Promise<T | undefined> {
    return (await this.bulkGet([id]))[0]
  }

  bulkGet(ids: readonly string[]): Promise<(T | undefined)[]> {
    return this.read(() => readPacked<T>(this.store, this.entity, ids))
  }

  toArray(): Promise<T[]> {
    return this.read(() => readAllPacked<T>(this.store, this.entity))
  }

  count(): Promise<number> {
    return this.read(() => countPacked(this.store, this.entity))
  }

  /** Records that satisfy `keep`, at most `limit` of them (a full scan: packs have no index). */
  async filter(keep: (r: T) => boolean, limit = Infinity): Promise<T[]> {
    const out: T[] = []
    for (const r of await this.toArray()) {
      if (out.length >= limit) break
      if (keep(r)) out.push(r)
    }
    return out
  }

  /** Like Table.add: fails when a record with this id is stored already. */
  add(rec: T): Promise<string> {
    return this.write(async () => {
      const [existing] = await readPacked<T>(this.store, this.entity, [rec.id])
      if (existing) throw new Dexie.ConstraintError(`${this.entity} ${rec.id} already exists`)
      await writePacked(this.store, this.entity, new Map([[rec.id, rec]]))
      return rec.id
    })
  }

  async put(rec: T): Promise<string> {
    await this.bulkPut([rec])
    return rec.id
  }

  bulkPut(recs: readonly T[]): Promise<void> {
    return this.write(() => writePacked(this.store, this.entity, new Map(recs.map((r) => [r.id, r]))))
  }

  delete(id: string): Promise<void> {
    return this.bulkDelete([id])
  }

  bulkDelete(ids: readonly string[]): Promise<void> {
    return this.write(() => writePacked<T>(this.store, this.entity, new Map(ids.map((id) => [id, null]))))
  }
}
