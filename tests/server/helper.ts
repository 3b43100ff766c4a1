/**
 * Shared helpers for server tests (auth, sync, supervisor …).
 *
 *   describe.each(testDatabases())('thing on $name', (tdb) => {
 *     let db: Database, app: FastifyInstance
 *     useTestApp(tdb, (d, a) => { db = d; app = a })
 *     it('…', async () => {
 *       const grid = await createTestGrid(db)
 *       const worker = await createTestUser(db, { username: 'w1', role: 'worker', gridIds: [grid.id] })
 *       const { headers } = await login(app, worker.username, worker.password)
 *       const res = await app.inject({ method: 'GET', url: '/api/me', headers })
 *     })
 *   })
 *
 * PGlite (in memory) always runs; PostgreSQL runs too when TEST_DATABASE_URL is set, each
 * `open()` in a fresh schema of its own (dropped on close), so test files never collide.
 * Closing the app does not close the database: close both, app first.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { openDatabase, type Database } from '../../server/db/adapter'
import { migrate } from '../../server/db/migrate'
import { buildApp, type BuildAppOptions } from '../../server/app'
import { putWholeRecords } from '../../server/records'
import { hashPassword } from '../../server/auth/password'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import type { Grid, Role, User } from '../../src/domain/entities'
import type { LoginResponse } from '../../src/domain/auth'
import type { FetchLike } from '../../src/sync'

export interface TestDatabase {
  name: 'pglite' | 'postgres'
  /** A new, empty (unmigrated) database; `close()` it at the end of the test. */
  open(): Promise<Database>
}

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) }]
  const url = process.env.TEST_DATABASE_URL
  if (url) list.push({ name: 'postgres', open: () => openPostgresSchema(url) })
  return list
}

/** A Database on PostgreSQL whose every connection works in a new schema, dropped on close. */
async function openPostgresSchema(baseUrl: string): Promise<Database> {
  const schema = `test_${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await admin.end()
  }
  const url = new URL(baseUrl)
  // libpq `options`: every pooled connection starts with this search_path.
  url.searchParams.set('options', `-c search_path=${schema}`)
  const db = await openDatabase({ databaseUrl: url.toString() })
  return {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    async close() {
      await db.close()
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Migrates `db` and builds a ready app without static files or logging. Close it yourself. */
export async function buildTestApp(db: Database, opts: Partial<Omit<BuildAppOptions, 'db'>> = {}): Promise<FastifyInstance> {
  await migrate(db)
  const app = await buildApp({ staticDir: null, logger: false, version: 'test', ...opts, db })
  await app.ready()
  return app
}

/**
 * The hooks API test files share: a new database and a built app before each test (or once for
 * the file with `per: 'file'`), `setup` to seed them and keep what the tests use, then both
 * closed — app first.
 */
export function useTestApp(
  tdb: TestDatabase,
  setup: (db: Database, app: FastifyInstance) => Promise<void> | void,
  opts: { app?: Partial<Omit<BuildAppOptions, 'db'>>; per?: 'test' | 'file' } = {},
): void {
  let db: Database | undefined
  let app: FastifyInstance | undefined
  const perFile = opts.per === 'file'
  ;(perFile ? beforeAll : beforeEach)(async () => {
    db = await tdb.open()
    app = await buildTestApp(db, opts.app)
    await setup(db, app)
  })
  ;(perFile ? afterAll : afterEach)(async () => {
    await app?.close()
    await db?.close()
    app = db = undefined
  })
}

/** A server-side HLC stamp, as seeding and admin tools write them. */
export function serverHlc(wall = Date.now()): string {
  return formatHlc({ wall, counter: 0, node: 'server' })
}

export const TEST_PASSWORD = 'test-password-1'

// Cheap scrypt parameters for fixtures: verification reads them from the hash, so logins work
// the same while tests stay fast. Hashes are cached per password.
const hashes = new Map<string, Promise<string>>()
function testHash(password: string): Promise<string> {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password, { N: 1024, r: 8, p: 1 }))
  return hashes.get(password)!
}

export interface TestUser {
  id: string
  username: string
  password: string
  role: Role
  record: User
}

/** A `users` record plus credentials, ready to log in. */
export async function createTestUser(
  db: Database,
  u: { username: string; role?: Role; name?: string; gridIds?: string[]; password?: string; id?: string; disabled?: boolean },
): Promise<TestUser> {
  const password = u.password ?? TEST_PASSWORD
  const record: User = {
    id: u.id ?? uuidv7(),
    hlc: serverHlc(),
    deleted: false,
    name: u.name ?? u.username,
    role: u.role ?? 'worker',
    gridIds: u.gridIds ?? [],
    phone: '',
  }
  const passwordHash = await testHash(password)
  await db.transaction(async (tx) => {
    await putWholeRecords(tx, 'users', [record])
    await tx.query('INSERT INTO credentials (user_id, username, password_hash, disabled) VALUES ($1, $2, $3, $4)', [
      record.id,
      u.username.toLowerCase(),
      passwordHash,
      u.disabled ?? false,
    ])
  })
  return { id: record.id, username: u.username, password, role: record.role, record }
}

/** A grid record (level `grid` under a made-up community unless told otherwise). */
export async function createTestGrid(db: Database, g: Partial<Omit<Grid, 'hlc' | 'deleted'>> = {}): Promise<Grid> {
  const grid: Grid = {
    id: g.id ?? uuidv7(),
    hlc: serverHlc(),
    deleted: false,
    communityId: g.communityId ?? uuidv7(),
    parentId: g.parentId ?? null,
    level: g.level ?? 'grid',
    name: g.name ?? '第一网格',
    code: g.code ?? 'G01',
    boundary: g.boundary ?? null,
    workerIds: g.workerIds ?? [],
  }
  await db.transaction((tx) => putWholeRecords(tx, 'grids', [grid]))
  return grid
}

export type LoggedIn = LoginResponse & { headers: { authorization: string } }

/** Logs in through the API; throws with the answer's body unless it is 200. */
export async function login(app: FastifyInstance, username: string, password: string, deviceId = 'test-device'): Promise<LoggedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, deviceId } })
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`)
  const body = res.json() as LoginResponse
  return { ...body, headers: { authorization: `Bearer ${body.token}` } }
}

/** `app.inject` with a JSON answer parsed, for terse assertions. */
export async function injectJson<T = any>(app: FastifyInstance, opts: InjectOptions): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await app.inject(opts)
  let body: unknown = res.body
  try {
    body = res.json()
  } catch {
    // not JSON: keep the text so the assertion shows it
  }
  return { status: res.statusCode, body: body as T, headers: res.headers }
}

/**
 * The phone's sync engine talking to the real app through `app.inject` (no socket): a FetchLike
 * for `makeContext`. `app` is read at each call, so a test may build the app in beforeAll.
 */
export function fetchViaApp(app: () => FastifyInstance): FetchLike {
  return async (url, init) => {
    const u = new URL(url, 'http://fullgrid.test')
    const payload = init.body instanceof Blob ? Buffer.from(await init.body.arrayBuffer()) : init.body
    const res = await app().inject({ method: init.method as 'GET', url: u.pathname + u.search, headers: init.headers, payload })
    return { status: res.statusCode, json: async () => JSON.parse(res.body) }
  }
}
