/**
 * The pull cursor never skips a change when several server processes commit at once (DESIGN §4,
 * README "Decisions"). Two real server processes share one PostgreSQL schema; simulated devices
 * push through both at random while pulling through both at random, then pull until quiet.
 * Every device must end with every change exactly once:
 *  - each visit (never changed after creation) arrives exactly once in every device's stream;
 *  - no version of a record arrives twice;
 *  - each device's replica, built only from its incremental pulls, equals the records as stored.
 * Needs PostgreSQL (TEST_DATABASE_URL): PGlite is one process by nature.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../server/db/adapter'
import { migrate } from '../../server/db/migrate'
import { Hlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import type { Change, Mutation, PullResponse, PushResponse } from '../../src/domain/sync'
import { createTestGrid, createTestUser, type TestUser } from './helper'
import { create, household, update, visit } from './syncFixtures'

const BASE_URL = process.env.TEST_DATABASE_URL
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

if (!BASE_URL) console.warn('sync-multiprocess: skipped — set TEST_DATABASE_URL to a PostgreSQL database to run it')

interface Server {
  url: string
  child: ChildProcess
  output: () => string
}

/** `tsx server/main.ts` on 127.0.0.1 and a port the system picks; resolves once it listens. */
async function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', FULLGRID_DEMO: '' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s))
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now()
    const timer = setInterval(() => {
      const m = /FullGrid listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearInterval(timer)
        resolve(m[1].replace(/\/$/, ''))
      } else if (child.exitCode !== null || Date.now() - started > 60_000) {
        clearInterval(timer)
        reject(new Error(`server did not start:\n${out}`))
      }
    }, 50)
  })
  return { url, child, output: () => out }
}

async function stopServer(s: Server | undefined): Promise<void> {
  if (!s?.child.pid || s.child.exitCode !== null) return
  const exited = new Promise((r) => s.child.once('exit', r))
  try {
    process.kill(-s.child.pid, 'SIGTERM')
  } catch {
    s.child.kill('SIGTERM')
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-s.child.pid!, 'SIGKILL')
    } catch {
      /* gone */
    }
  }, 5000)
  await exited
  clearTimeout(timer)
}

/** Deterministic pseudo-random numbers, so a failure can be replayed with the printed seed. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe.skipIf(!BASE_URL)('sync across two server processes on one PostgreSQL', () => {
  const schema = `mp_${process.pid}_${randomBytes(4).toString('hex')}`
  let db: Database
  const servers: Server[] = []
  let users: TestUser[] = []
  let gridId: string

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: BASE_URL })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    await admin.end()
    const url = new URL(BASE_URL!)
    url.searchParams.set('options', `-c search_path=${schema}`)
    db = await openDatabase({ databaseUrl: url.toString() })
    await migrate(db)
    const grid = await createTestGrid(db)
    gridId = grid.id
    users = [
      await createTestUser(db, { username: 'w1', gridIds: [grid.id] }),
      await createTestUser(db, { username: 'w2', gridIds: [grid.id] }),
      await createTestUser(db, { username: 'w3', gridIds: [grid.id] }),
      await createTestUser(db, { username: 'boss', role: 'supervisor', gridIds: [grid.communityId] }),
    ]
    // One after the other, so a failure to start leaves no process behind unnoticed (afterAll stops what started).
    for (let i = 0; i < 2; i++) servers.push(await startServer(url.toString()))
  })

  afterAll(async () => {
    await Promise.all(servers.map((s) => stopServer(s)))
    await db?.close()
    const admin = new pg.Client({ connectionString: BASE_URL })
    await admin.connect()
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  })

  it('gives every device every change exactly once under concurrent pushes and pulls', async () => {
    const seed = Date.now() % 100_000
    console.log(`sync-multiprocess seed ${seed}`)
    const random = rng(seed)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
    const server = () => pick(servers).url

    async function call<T>(base: string, method: string, url: string, token: string | null, body?: unknown): Promise<T> {
      const res = await fetch(base + url, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`)
      return JSON.parse(text) as T
    }

    // Six devices: two per worker, log in through either server (sessions live in the database).
    const devices = await Promise.all(
      [0, 0, 1, 1, 2, 2].map(async (u, i) => {
        const user = users[u]
        const deviceId = `dev-${i}`
        const login = await call<{ token: string }>(server(), 'POST', '/api/auth/login', null, {
          username: user.username,
          password: user.password,
          deviceId,
        })
        return { user, deviceId, token: login.token, hlc: new Hlc(deviceId), cursor: undefined as string | undefined, stream: [] as Change[] }
      }),
    )
    const boss = await call<{ token: string }>(server(), 'POST', '/api/auth/login', null, {
      username: 'boss',
      password: users[3].password,
      deviceId: 'dev-boss',
    })
    const all = [...devices, { user: users[3], deviceId: 'dev-boss', token: boss.token, hlc: new Hlc('dev-boss'), cursor: undefined as string | undefined, stream: [] as Change[] }]

    // Households acknowledged so far: other devices edit and visit them.
    const known: string[] = []
    const visitIds = new Set<string>()
    let pushing = true

    async function pushLoop(d: (typeof devices)[number]) {
      for (let batch = 0; batch < 12; batch++) {
        const mutations: Mutation[] = []
        const size = 1 + Math.floor(random() * 25)
        for (let k = 0; k < size; k++) {
          const roll = random()
          if (roll < 0.35 || known.length === 0) {
            mutations.push(create('households', household(gridId, { headName: `户主${uuidv7().slice(-6)}` }), d.hlc.now()))
          } else if (roll < 0.7) {
            // unique values, so a duplicate delivery is visible as the same (id, data) twice
            mutations.push(update('households', pick(known), { notes: `${d.deviceId} ${uuidv7()}` }, d.hlc.now()))
          } else {
            const h = household(gridId, { id: pick(known) })
            const v = visit(h, d.user.id)
            visitIds.add(v.id)
            mutations.push(create('visits', v, d.hlc.now()))
          }
        }
        const res = await call<PushResponse>(server(), 'POST', '/api/sync/push', d.token, { deviceId: d.deviceId, mutations })
        expect(res.results.filter((r) => r.status === 'rejected')).toEqual([])
        // sometimes the answer "got lost": the retry must be all duplicates
        if (random() < 0.2) {
          const retry = await call<PushResponse>(server(), 'POST', '/api/sync/push', d.token, { deviceId: d.deviceId, mutations })
          expect(new Set(retry.results.map((r) => r.status))).toEqual(new Set(['duplicate']))
        }
        for (const m of mutations) if (m.entity === 'households' && 'id' in m.fields) known.push(m.recordId)
      }
    }

    async function pullOnce(d: (typeof all)[number]): Promise<number> {
      const qs = new URLSearchParams({ limit: String(5 + Math.floor(random() * 60)) })
      if (d.cursor) qs.set('cursor', d.cursor)
      const page = await call<PullResponse>(server(), 'GET', `/api/sync/pull?${qs}`, d.token)
      d.stream.push(...(page.changes as Change[]))
      d.cursor = page.cursor
      return page.changes.length
    }

    async function pullLoop(d: (typeof all)[number]) {
      while (pushing) {
        await pullOnce(d)
        await new Promise((r) => setTimeout(r, random() * 15))
      }
    }

    const pulls = all.map((d) => pullLoop(d))
    await Promise.all(devices.map((d) => pushLoop(d)))
    pushing = false
    await Promise.all(pulls)

    // Pull until quiet: two empty pages in a row (through either server) for every device.
    for (const d of all) {
      let empty = 0
      while (empty < 2) empty = (await pullOnce(d)) === 0 ? empty + 1 : 0
    }

    const { rows } = await db.query<{ entity: string; id: string; data: Record<string, unknown> }>(
      `SELECT entity, id::text AS id, data FROM records WHERE entity IN ('households', 'visits')`,
    )
    const storedById = new Map(rows.map((r) => [r.id, r.data]))
    expect(rows.filter((r) => r.entity === 'visits').length).toBe(visitIds.size)
    expect(visitIds.size).toBeGreaterThan(20)

    for (const d of all) {
      const synced = d.stream.filter((c) => c.entity === 'households' || c.entity === 'visits')
      // no version delivered twice
      const versions = synced.map((c) => `${c.id} ${JSON.stringify(c.data)}`)
      expect(new Set(versions).size, d.deviceId).toBe(versions.length)
      // every visit exactly once
      const visitCount = new Map<string, number>()
      for (const c of synced) if (c.entity === 'visits') visitCount.set(c.id, (visitCount.get(c.id) ?? 0) + 1)
      expect(visitCount.size, d.deviceId).toBe(visitIds.size)
      expect([...visitCount.values()].every((n) => n === 1), d.deviceId).toBe(true)
      // the replica equals what is stored
      const replica = new Map<string, unknown>()
      for (const c of synced) replica.set(c.id, c.data)
      expect(replica.size, d.deviceId).toBe(storedById.size)
      for (const [id, data] of storedById) expect(replica.get(id), `${d.deviceId} ${id}`).toEqual(data)
    }
  })
})
