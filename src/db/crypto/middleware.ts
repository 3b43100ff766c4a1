/**
 * Encryption at rest as a Dexie DBCore middleware, below every other middleware (closest to
 * IndexedDB), so all of src/db — the one write path, packs, liveQuery — sees plain records and
 * nothing above it changes.
 *
 * A sealed row keeps in the clear only what IndexedDB needs to find it: its primary key and its
 * indexed fields (ids, timestamps, `uploaded`, `recordId`; no index of this schema holds a name,
 * phone, ID number or tag: households and visits are packed since v4, their per-record indexes
 * gone), and everything else in one AES-GCM sealed part:
 *
 *   { id, gridId, reportedAt, [SEALED]: iv ‖ ciphertext }
 *
 * With encryption off (no PIN set) values pass through untouched. Rows written before the PIN was
 * set read as they are, until sealRows() (seal.ts) rewrites them.
 */
import Dexie, { type DBCore, type DBCoreCursor, type DBCoreTable, type Middleware } from 'dexie'
import { seal, unseal } from './cipher'
import { currentKey, LockedError } from './keyring'

export const SEALED = '\u0000sealed'

/**
 * Meta rows read before unlock (the start-up session check, the clock, the sync cursor): no resident data.
 * pendingRecords (待同步 N 条, pendingCount.ts) is one number the 待同步 indicator watches while locked too;
 * sealed it would throw there. It tells nothing the clear recordId index of the outbox does not.
 */
export const CLEAR_META_KEYS: ReadonlySet<string> = new Set(['deviceId', 'session', 'sessionUsername', 'sessionInvalid', 'hlc', 'clockOffset', 'syncCursor', 'lastSyncAt', 'pendingRecords', 'escrowKey'])

/**
 * Fields kept beside the sealed part although not indexed: an outbox row's `escrow` copy is
 * ciphertext only the server can open (src/domain/escrow.ts), and the locked phone (the service
 * worker, the fifth wrong PIN) sends it without the data key (src/db/escrow.ts reads it raw).
 */
export const CLEAR_FIELDS: Readonly<Record<string, readonly string[]>> = { outbox: ['escrow'] }

type Row = Record<string, unknown>

/**
 * Benchmark builds only (bench/encryption.ts builds `dist-noseal/` with VITE_FULLGRID_NO_SEAL=1):
 * the same app with the middleware left out, so the cost of sealing can be measured against the
 * same build without it. Every other build leaves the variable unset and seals (tested in
 * tests/unit/db-encryption.test.ts; the bench checks both stores row by row).
 */
// typeof first: src/db also runs in Node without Vite (bench/visit-save-node.ts, tsx), where
// import.meta.env does not exist; there, as in every build without the variable, rows are sealed.
export const SEALING_SKIPPED_FOR_BENCH: boolean = typeof import.meta.env === 'object' && import.meta.env.VITE_FULLGRID_NO_SEAL === '1'

export function isSealed(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as Row)[SEALED] instanceof Uint8Array
}

function keyPathsOf(table: DBCoreTable): string[] {
  const paths = new Set<string>()
  const add = (p: string | string[] | null) => {
    if (p === null) return
    for (const one of Array.isArray(p) ? p : [p]) paths.add(one)
  }
  add(table.schema.primaryKey.keyPath)
  for (const i of table.schema.indexes) add(i.keyPath)
  return [...paths]
}

function makeSealer(tableName: string, clearPaths: readonly string[]) {
  const clearFields = CLEAR_FIELDS[tableName] ?? []
  const keepsClear = (v: Row) => tableName === 'meta' && typeof v.key === 'string' && CLEAR_META_KEYS.has(v.key)
  const sealOne = (value: unknown): unknown => {
    if (!value || typeof value !== 'object' || isSealed(value)) return value
    // The clear meta rows are written while locked too (the device id, the clock at start).
    if (keepsClear(value as Row)) return value
    const key = currentKey()
    if (!key) return value
    const out: Row = {}
    for (const p of clearPaths) {
      const v = Dexie.getByKeyPath(value, p)
      if (v !== undefined) Dexie.setByKeyPath(out, p, v)
    }
    let inner = value as Row
    if (clearFields.length) {
      inner = { ...inner }
      for (const f of clearFields) {
        if (inner[f] !== undefined) out[f] = inner[f]
        delete inner[f]
      }
    }
    out[SEALED] = seal(key, inner)
    return out
  }
  const openOne = (value: unknown): unknown => {
    if (!isSealed(value)) return value
    const key = currentKey()
    if (!key) throw new LockedError()
    const opened = unseal(key, (value as Row)[SEALED] as Uint8Array) as Row
    for (const f of clearFields) if ((value as Row)[f] !== undefined) opened[f] = (value as Row)[f]
    return opened
  }
  return { sealOne, openOne }
}

function wrapCursor(cursor: DBCoreCursor, openOne: (v: unknown) => unknown): DBCoreCursor {
  // A Proxy, not Object.create: the cursor is a native IDBCursor, whose methods (continue,
  // advance) throw "Illegal invocation" when called on another object. Dexie reads cursor.value
  // more than once per row: open each row once.
  let raw: unknown = undefined
  let opened: unknown = undefined
  return new Proxy(cursor, {
    get(target, prop) {
      if (prop === 'value') {
        const v = target.value
        if (v !== raw) {
          raw = v
          opened = openOne(v)
        }
        return opened
      }
      const v: unknown = Reflect.get(target, prop, target)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

export const encryptionMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'EncryptionAtRest',
  // Below Dexie's own (cacheExistingValues is at -1): hooks, liveQuery and its cache see plain values.
  level: -2,
  create(down) {
    return {
      ...down,
      table(name) {
        const table = down.table(name)
        const { sealOne, openOne } = makeSealer(name, keyPathsOf(table))
        return {
          ...table,
          mutate(req) {
            if (req.type !== 'add' && req.type !== 'put') return table.mutate(req)
            return table.mutate({ ...req, values: req.values.map(sealOne) })
          },
          // .then, not async/await: Dexie keeps its transaction zone across its own promise chain.
          get: (req) => table.get(req).then(openOne),
          getMany: (req) => table.getMany(req).then((values) => values.map(openOne)),
          query: (req) => table.query(req).then((res) => (req.values ? { ...res, result: res.result.map(openOne) } : res)),
          openCursor: (req) => table.openCursor(req).then((cursor) => (cursor && req.values !== false ? wrapCursor(cursor, openOne) : cursor)),
        }
      },
    }
  },
}
