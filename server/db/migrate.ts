/**
 * Forward-only migrations: `server/db/migrations/NNN_name.sql`, applied in order, each file in its
 * own transaction (a failing file leaves the database at the file before it, with every earlier
 * file kept), recorded in `schema_migrations` with a SHA-256 of its text.
 *
 *  1. Under the lock: create `schema_migrations` if missing (and its `checksum` column, for
 *     databases migrated before checksums were kept), then compare every applied file with the
 *     file on disk. A file changed after it was applied stops start-up with a message naming it:
 *     the database was built by the old text, so running on as if it were the new one would hide
 *     the difference. Rows from before checksums get the current file's checksum once.
 *  2. Each file not applied yet: one transaction that takes the lock, checks again that no other
 *     process applied it meanwhile, runs it and records it.
 *
 * Several processes may start at once on one PostgreSQL: the transaction-scoped advisory lock lets
 * one migrate a file while the others wait, then see it applied.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database, Queryable } from './adapter'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
const LOCK_KEY = 7135_0001

export interface MigrateOptions {
  /** Folder of the `NNN_name.sql` files; the repository's by default (tests point elsewhere). */
  dir?: string
}

/** An applied migration file no longer matches the database it built: start-up must stop. */
export class MigrationChecksumError extends Error {
  constructor(readonly file: string, stored: string, current: string) {
    super(
      `Migration ${file} has changed since it was applied to this database ` +
        `(stored checksum ${stored.slice(0, 12)}…, file now ${current.slice(0, 12)}…). ` +
        'Applied migrations must never be edited: restore the file as it was and put the change in a new migration.',
    )
    this.name = 'MigrationChecksumError'
  }
}

interface MigrationFile {
  name: string
  sql: string
  checksum: string
}

/** Applies the migrations the database lacks; returns their file names in order. */
export async function migrate(db: Database, opts: MigrateOptions = {}): Promise<string[]> {
  const files = await readMigrations(opts.dir ?? MIGRATIONS_DIR)

  const done = await db.transaction(async (tx) => {
    await lock(tx)
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
    await tx.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text')
    const { rows } = await tx.query<{ name: string; checksum: string | null }>('SELECT name, checksum FROM schema_migrations')
    for (const row of rows) {
      const file = files.find((f) => f.name === row.name)
      // A recorded file that is gone: a newer server's migration, or a rename. Not ours to judge.
      if (!file) continue
      if (row.checksum === null) {
        await tx.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [row.name, file.checksum])
      } else if (row.checksum !== file.checksum) {
        throw new MigrationChecksumError(row.name, row.checksum, file.checksum)
      }
    }
    return new Set(rows.map((r) => r.name))
  })

  const applied: string[] = []
  for (const file of files) {
    if (done.has(file.name)) continue
    const ran = await db.transaction(async (tx) => {
      await lock(tx)
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file.name])
      if (again.rows.length) return false
      await tx.exec(file.sql)
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file.name, file.checksum])
      return true
    })
    if (ran) applied.push(file.name)
  }
  return applied
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name), 'utf8')
      return { name, sql, checksum: migrationChecksum(sql) }
    }),
  )
}

/** SHA-256 of a file's text; line endings normalised, so a Windows checkout is the same file. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex')
}

function lock(tx: Queryable) {
  return tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY])
}
