/**
 * The only place that knows which database runs: PGlite (embedded, default) or PostgreSQL
 * (DATABASE_URL). Both speak one SQL dialect; the rest of the server uses `query` and `transaction`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { PGlite } from '@electric-sql/pglite'
import type { Pool, PoolClient } from 'pg'

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
  /**
   * The embedded database only: a gzip tar of its data folder, taken between two transactions
   * (none is open, none starts meanwhile) after a CHECKPOINT, so it opens without recovery.
   */
  dumpDataDir?(): Promise<Uint8Array>
}

/**
 * Thrown when code inside a `transaction` callback calls the database itself instead of the `tx`
 * handle it was given. On the embedded database that call would wait for the transaction, which
 * waits for the call: a silent deadlock of the whole server. On PostgreSQL it would run outside
 * the transaction (not seeing its writes, waiting on its row locks). Both engines fail alike, so
 * a test on either catches it.
 */
export class QueryOutsideTransactionError extends Error {
  constructor(method: string) {
    super(
      `db.${method}() was called inside a db.transaction() callback; use the transaction handle (tx.query / tx.exec) ` +
        'passed to the callback — on the embedded database this call would wait for the transaction forever',
    )
    this.name = 'QueryOutsideTransactionError'
  }
}

/**
 * Which transaction callback of which database the current async context runs in. `open` turns
 * false when the callback has settled, so work it left running (a timer, a promise not awaited)
 * may use the database again afterwards.
 */
interface TransactionContext {
  db: object
  open: boolean
}
const insideTransaction = new AsyncLocalStorage<TransactionContext>()

/** Wraps a database so calls on it from inside its own transaction callback fail loudly. */
function guarded(db: Database): Database {
  const check = (method: string) => {
    const ctx = insideTransaction.getStore()
    if (ctx && ctx.open && ctx.db === db) throw new QueryOutsideTransactionError(method)
  }
  const inner = { query: db.query, exec: db.exec, transaction: db.transaction }
  db.query = (sql, params) => {
    check('query')
    return inner.query(sql, params)
  }
  db.exec = (sql) => {
    check('exec')
    return inner.exec(sql)
  }
  db.transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    check('transaction')
    return inner.transaction(async (tx) => {
      const ctx: TransactionContext = { db, open: true }
      try {
        return await insideTransaction.run(ctx, () => fn(tx))
      } finally {
        ctx.open = false
      }
    })
  }
  return db
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded database in `dataDir` is used. */
  databaseUrl?: string
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return guarded(opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(opts.dataDir ?? './data'))
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  if (!dataDir.startsWith('memory://')) {
    const { mkdir } = await import('node:fs/promises')
    await mkdir(dataDir, { recursive: true })
  }
  const db: PGlite = await PGlite.create(dataDir)
  // PGlite is single-connection: queue transactions so two requests never interleave inside one.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn)
    chain = run.catch(() => undefined)
    return run
  }
  return {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => db.query(sql, params as unknown[])) as never,
    exec: (sql) => exclusive(() => db.exec(sql)).then(() => undefined),
    transaction: (fn) =>
      exclusive(() =>
        db.transaction((tx) =>
          fn({ query: (s, p) => tx.query(s, p as unknown[]) as never, exec: (s) => tx.exec(s).then(() => undefined) }),
        ),
      ),
    close: () => db.close(),
    dumpDataDir: () =>
      exclusive(async () => {
        await db.exec('CHECKPOINT')
        return new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer())
      }),
  }
}

async function openPostgres(url: string): Promise<Database> {
  const pg = await import('pg')
  const pool: Pool = new pg.default.Pool({ connectionString: url, max: 10 })
  // bigint (int8) as JS number where it fits; sequences and counts stay far below 2^53.
  pg.default.types.setTypeParser(20, (v: string) => Number(v))
  await pool.query('select 1')
  return {
    kind: 'postgres',
    query: (sql, params) => pool.query(sql, params) as never,
    exec: (sql) => pool.query(sql).then(() => undefined),
    async transaction(fn) {
      const client: PoolClient = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn({
          query: (s, p) => client.query(s, p) as never,
          exec: (s) => client.query(s).then(() => undefined),
        })
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}
