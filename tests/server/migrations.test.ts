/**
 * Migrations (issue 7, "shape"): one transaction per file, a checksum per applied file (a changed
 * applied file stops start-up), and an upgrade from a database made by the first migration alone,
 * with data in it, to the latest — on PGlite and PostgreSQL.
 */
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/adapter'
import { MigrationChecksumError, migrate, migrationChecksum } from '../../server/db/migrate'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import type { Mutation } from '../../src/domain/sync'
import { hashPassword } from '../../server/auth/password'
import { buildTestApp, login, testDatabases } from './helper'
import { household, push } from './syncFixtures'

const PASSWORD = 'old-server-pass-1'
/** Each test opens, migrates and reopens databases: generous on a busy 2-core machine. */
const SLOW = 120_000
const REPO_MIGRATIONS = fileURLToPath(new URL('../../server/db/migrations/', import.meta.url))

describe.each(testDatabases())('migrations on $name', (tdb) => {
  let db: Database
  let dir: string

  beforeEach(async () => {
    db = await tdb.open()
    dir = await mkdtemp(join(tmpdir(), 'fullgrid-migrations-'))
  })
  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  const repoFiles = async () => (await readdir(REPO_MIGRATIONS)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()

  it('upgrades a database made by the first migration, with data in it, to the latest', async () => {
    const [first, ...rest] = await repoFiles()
    expect(first).toBe('001_core.sql')
    await copyFile(join(REPO_MIGRATIONS, first), join(dir, first))
    expect(await migrate(db, { dir })).toEqual([first])

    // Data as a server of that version wrote it, in that version's SQL: a grid, a worker who can
    // log in, a household and the mutation that created it (no content hash: that came later).
    const stamp = formatHlc({ wall: Date.now() - 60_000, counter: 0, node: 'old-phone' })
    const grid = { id: uuidv7(), hlc: stamp, deleted: false, communityId: uuidv7(), parentId: null, level: 'grid', name: '一网格', code: 'G01', boundary: null, workerIds: [] }
    const worker = { id: uuidv7(), hlc: stamp, deleted: false, name: '张伟', role: 'worker', gridIds: [grid.id], phone: '' }
    const h = { ...household(grid.id), hlc: stamp }
    const insertRecord = (entity: string, data: { id: string }, gridId: string | null, ownerId: string | null) =>
      db.query(
        `INSERT INTO records (entity, id, data, field_hlc, hlc, grid_id, owner_id, seq)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, nextval('records_seq'))`,
        [entity, data.id, JSON.stringify(data), JSON.stringify(Object.fromEntries(Object.keys(data).map((k) => [k, stamp]))), stamp, gridId, ownerId],
      )
    await insertRecord('grids', grid, grid.id, null)
    await insertRecord('users', worker, null, worker.id)
    await insertRecord('households', h, grid.id, worker.id)
    await db.query('INSERT INTO credentials (user_id, username, password_hash) VALUES ($1, $2, $3)', [
      worker.id,
      'w',
      await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
    ])
    const mutation: Mutation = { id: uuidv7(), entity: 'households', recordId: h.id, op: 'put', fields: h, hlc: stamp }
    await db.query(`INSERT INTO mutations (id, device_id, user_id, entity, record_id) VALUES ($1, 'old-phone', $2, 'households', $3)`, [
      mutation.id,
      worker.id,
      h.id,
    ])

    // Upgrade to the latest with the repository's folder.
    expect(await migrate(db)).toEqual(rest)
    const { rows } = await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations ORDER BY name')
    expect(rows.map((r) => r.name)).toEqual([first, ...rest])
    for (const r of rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(await migrate(db)).toEqual([])

    // The old data is there and works with the new server: the old phone's retry of its
    // mutation is a duplicate (no hash was kept for it), the household is pulled.
    const app = await buildTestApp(db)
    try {
      const asOld = await login(app, 'w', PASSWORD, 'old-phone')
      expect(await push(app, asOld, [mutation])).toEqual([{ mutationId: mutation.id, status: 'duplicate' }])
      const pulled = await app.inject({ method: 'GET', url: '/api/sync/pull', headers: asOld.headers })
      expect(pulled.json().changes.map((c: { id: string }) => c.id)).toContain(h.id)
    } finally {
      await app.close()
    }
  }, SLOW)

  it('stops with a message naming the file when an applied migration was changed', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE a (id int);\n')
    await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (id int);\n')
    await migrate(db, { dir })
    await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (id int, name text);\n')
    await writeFile(join(dir, '003_c.sql'), 'CREATE TABLE c (id int);\n')
    const failure = await migrate(db, { dir }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(MigrationChecksumError)
    expect((failure as Error).message).toMatch(/Migration 002_b\.sql has changed since it was applied/)
    // nothing after the check ran
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')
    expect(rows.map((r) => r.name)).toEqual(['001_a.sql', '002_b.sql'])
    // the same text with Windows line endings is the same file
    await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (id int);\r\n')
    await rm(join(dir, '003_c.sql'))
    expect(await migrate(db, { dir })).toEqual([])
    expect(migrationChecksum('x\r\n')).toBe(migrationChecksum('x\n'))
  }, SLOW)

  it('runs each file in its own transaction: a failing file keeps the ones before it', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE a (id int);\n')
    await writeFile(join(dir, '002_broken.sql'), 'CREATE TABLE b (id int);\nTHIS IS NOT SQL;\n')
    await expect(migrate(db, { dir })).rejects.toThrow()
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')
    expect(rows.map((r) => r.name)).toEqual(['001_a.sql'])
    await db.query('SELECT count(*) FROM a')
    // the broken file left nothing behind
    const b = await db.query<{ t: string | null }>("SELECT to_regclass('b')::text AS t")
    expect(b.rows[0].t).toBeNull()
    // fixed, it applies on the next start
    await writeFile(join(dir, '002_broken.sql'), 'CREATE TABLE b (id int);\n')
    expect(await migrate(db, { dir })).toEqual(['002_broken.sql'])
  }, SLOW)

  it('adds checksums to a migrations table written before checksums were kept', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE a (id int);\n')
    await db.exec(`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE a (id int); INSERT INTO schema_migrations (name) VALUES ('001_a.sql');`)
    expect(await migrate(db, { dir })).toEqual([])
    const { rows } = await db.query<{ checksum: string }>('SELECT checksum FROM schema_migrations')
    expect(rows).toEqual([{ checksum: migrationChecksum('CREATE TABLE a (id int);\n') }])
  }, SLOW)

  it('lets two processes start at once: every file is applied once', async () => {
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE a (id int);\n')
    await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (id int);\n')
    const [x, y] = await Promise.all([migrate(db, { dir }), migrate(db, { dir })])
    expect([...x, ...y].sort()).toEqual(['001_a.sql', '002_b.sql'])
  }, SLOW)
})
