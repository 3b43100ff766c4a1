/**
 * The database adapter's guard (issue 7, "shape"): calling the database itself from inside its
 * own `transaction` callback, instead of the `tx` handle, fails loudly. On the embedded database
 * that call used to wait for the transaction that waited for it: the whole server hung.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QueryOutsideTransactionError, type Database } from '../../server/db/adapter'
import { testDatabases } from './helper'

/** Opening the embedded database is slow on a busy 2-core machine; the tests themselves are not. */
const SLOW = 120_000

/** Fails instead of hanging when `p` never settles (the defect this file guards against). */
function settled<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled: deadlock`)), 20_000)
  })
  return Promise.race([p, hung]).finally(() => clearTimeout(timer))
}

describe.each(testDatabases())('database adapter on $name', (tdb) => {
  let db: Database

  beforeEach(async () => {
    db = await tdb.open()
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY, text text)')
  })
  afterEach(async () => {
    await db.close()
  }, SLOW)

  it('refuses db.query inside a transaction callback with a clear error, and rolls the transaction back', async () => {
    const attempt = db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES (1, $1)', ['inside'])
      await db.query('SELECT count(*) FROM notes')
    })
    const err = await settled(attempt, 'db.query inside a transaction').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(QueryOutsideTransactionError)
    expect((err as Error).message).toMatch(/inside a db\.transaction\(\) callback; use the transaction handle/)
    // the transaction was rolled back and the database still answers
    const { rows } = await settled(db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'), 'a query afterwards')
    expect(rows).toEqual([{ n: 0 }])
  }, SLOW)

  it('refuses db.exec and a nested db.transaction the same way, also after an await', async () => {
    for (const misuse of [(d: Database) => d.exec('SELECT 1'), (d: Database) => d.transaction(async () => undefined)]) {
      const attempt = db.transaction(async (tx) => {
        await tx.query('SELECT 1')
        await new Promise((r) => setTimeout(r, 1))
        await misuse(db)
      })
      await expect(settled(attempt, 'misuse inside a transaction')).rejects.toBeInstanceOf(QueryOutsideTransactionError)
    }
  }, SLOW)

  it('still lets other requests use the database while a transaction runs, and work left running after it', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let committed!: () => void
    const afterCommit = new Promise<void>((r) => (committed = r))
    let leftover: Promise<unknown> | undefined
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO notes VALUES (1, $1)', ['committed'])
      // work set up inside but run after the callback settled is not "inside" any more
      leftover = afterCommit.then(() => db.query('SELECT count(*)::int AS n FROM notes'))
      await gate
    }).then(committed)
    // another request (its own async context) is not refused: it waits its turn or runs beside
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')
    release()
    await settled(tx, 'the transaction')
    await settled(outside, 'a query from another request')
    const after = (await settled(leftover!, 'work left running')) as { rows: { n: number }[] }
    expect(after.rows).toEqual([{ n: 1 }])
  }, SLOW)
})
