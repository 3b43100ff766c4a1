/**
 * The only place that knows which database runs: PGlite (embedded, default) or PostgreSQL
 * (DATABASE_URL). Both speak one SQL dialect; the rest of the server uses `query` and `transaction`.
 */
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
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded database in `dataDir` is used. */
  databaseUrl?: string
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl)
  return openPglite(opts.dataDir ?? './data')
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
