/**
 * Convergence under faults (DESIGN §7): three phones edit the same households and issues
 * offline, sync through a transport that loses requests and answers, duplicates requests,
 * delivers them late (out of order), and restarts the server mid-batch; then fault-free rounds
 * until quiet. Afterwards:
 *   1. every phone holds exactly what the server holds (read by a fresh observer phone and, for
 *      the real server, straight from its database);
 *   2. every acknowledged write is there once: per field, the value of the acknowledged write
 *      with the highest HLC; created visits and issue events are exactly the acknowledged ones;
 *   3. no phone keeps a value the server does not have, and every outbox is empty.
 *
 * The same suite runs over the real server (buildApp on PGlite through app.inject) and over the
 * in-memory fake of tests/unit, so a failure shows whether the client or the server is at fault.
 */
import 'fake-indexeddb/auto'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId, setMeta } from '@/db'
import type { LoginResponse } from '@/domain/auth'
import type { EntityName, IssueEvent } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import type { Mutation, PushResult } from '@/domain/sync'
import { makeContext, syncOnce, type FetchLike, type RequestInitLike, type ResponseLike, type SyncContext } from '@/sync'
import type { Database } from '../../server/db/adapter'
import { buildTestApp, createTestGrid, createTestUser, login, testDatabases } from '../server/helper'
import { FakeServer } from '../unit/sync-fakeServer'

const NUM_RUNS = Number(process.env.CONVERGENCE_RUNS ?? 20)
const PHONES = 3
const HOUSEHOLDS = 2
const ISSUES = 2
const COMPARED: EntityName[] = ['households', 'issues', 'issueEvents', 'visits']

type Rec = Record<string, unknown> & { id: string; hlc: string; deleted: boolean }

// ---------------------------------------------------------------------------------------------
// Servers: one interface over the real app and the fake
// ---------------------------------------------------------------------------------------------

interface Account {
  session: LoginResponse
  deviceId: string
}

interface RunServer {
  /** Handles one request on the server as it is now (after any restarts). */
  handle: FetchLike
  /** Stops the server and starts a new one on the same data. */
  restart(): Promise<void>
  accounts: Account[]
  gridId: string
  /** The server's own rows of an entity in this run's grid (null if the harness cannot read them). */
  rows(entity: EntityName): Promise<Rec[] | null>
}

interface Harness {
  name: string
  setup(): Promise<void>
  teardown(): Promise<void>
  newRun(run: number): Promise<RunServer>
}

function realHarness(): Harness {
  let db: Database
  let app: FastifyInstance
  let restarting: Promise<void> = Promise.resolve()
  return {
    name: 'real server (PGlite)',
    async setup() {
      db = await testDatabases()[0].open()
      app = await buildTestApp(db)
    },
    async teardown() {
      await app?.close()
      await db?.close()
    },
    async newRun(run) {
      // Each run works in a grid of its own, so runs share one database without seeing each other.
      const grid = await createTestGrid(db, { name: `网格${run}`, code: `G${run}` })
      const accounts: Account[] = []
      for (let i = 0; i <= PHONES; i++) {
        const user = await createTestUser(db, { username: `w${run}x${i}`, gridIds: [grid.id] })
        const deviceId = `r${run}-phone${i}`
        const { headers: _h, ...session } = await login(app, user.username, user.password, deviceId)
        accounts.push({ session, deviceId })
      }
      return {
        gridId: grid.id,
        accounts,
        // A request that arrives while the server restarts reaches the new process, as behind a
        // load balancer; the engine prefetches pull pages, so requests can overlap a restart.
        handle: async (url, init) => {
          await restarting
          return inject(app, url, init)
        },
        async restart() {
          await restarting
          restarting = (async () => {
            await app.close()
            app = await buildTestApp(db)
          })()
          await restarting
        },
        async rows(entity) {
          return readRows(db, entity, grid.id)
        },
      }
    },
  }
}

type Row = { id: string; data: Record<string, unknown>; hlc: string; deleted: boolean }

/** The server's rows of this run: by grid, and issue events through this run's issues. */
async function readRows(db: Database, entity: EntityName, gridId: string): Promise<Rec[]> {
  const toRec = (r: Row): Rec => ({ ...r.data, id: r.id, hlc: r.hlc, deleted: r.deleted })
  if (entity === 'issueEvents') {
    const ids = (await readRows(db, 'issues', gridId)).map((r) => r.id)
    const { rows } = await db.query<Row>(
      `SELECT id::text AS id, data, hlc, deleted FROM records WHERE entity = 'issueEvents' AND data->>'issueId' = ANY($1::text[])`,
      [ids],
    )
    return rows.map(toRec)
  }
  const { rows } = await db.query<Row>(`SELECT id::text AS id, data, hlc, deleted FROM records WHERE entity = $1 AND grid_id = $2`, [entity, gridId])
  return rows.map(toRec)
}

async function inject(app: FastifyInstance, url: string, init: RequestInitLike): Promise<ResponseLike> {
  const u = new URL(url, 'http://fullgrid.test')
  const payload = init.body instanceof Blob ? Buffer.from(await init.body.arrayBuffer()) : init.body
  const res = await app.inject({ method: init.method as 'GET', url: u.pathname + u.search, headers: init.headers, payload })
  return { status: res.statusCode, json: async () => JSON.parse(res.body) }
}

function fakeHarness(): Harness {
  return {
    name: 'fake server',
    async setup() {},
    async teardown() {},
    async newRun(run) {
      const server = new FakeServer()
      const gridId = uuidv7()
      const accounts: Account[] = []
      for (let i = 0; i <= PHONES; i++) {
        const userId = uuidv7()
        const deviceId = `f${run}-phone${i}`
        const token = `t-${run}-${i}`
        server.addSession(token, { userId, deviceId })
        accounts.push({ deviceId, session: { token, user: { id: userId, name: `w${i}`, role: 'worker', gridIds: [gridId] }, expiresAt: Date.now() + 86_400_000 } })
      }
      return {
        gridId,
        accounts,
        handle: (url, init) => server.fetch(url, init),
        async restart() {},
        async rows(entity) {
          return server.records(entity) as Rec[]
        },
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Phones and the faulty network
// ---------------------------------------------------------------------------------------------

type Fault = 'ok' | 'slow' | 'lose-request' | 'lose-response' | 'duplicate' | 'delay' | 'crash-mid-batch' | 'restart-after'

interface Ledger {
  /** Every mutation that reached the server in a request, by id. */
  sent: Map<string, Mutation>
  /** Mutation ids whose `applied`/`duplicate` answer reached a phone. */
  acked: Set<string>
  rejected: Map<string, string>
}

interface Phone {
  db: FullGridDb
  repo: Repository
  ctx: SyncContext
  clock: { t: number }
  userId: string
  faults: Fault[]
  /** A sync still running in the background. */
  inflight: Promise<unknown> | null
  /** While true, a 'slow' request waits until the next operation of the scenario has run. */
  background: boolean
}

class Network {
  delayed: { url: string; init: RequestInitLike }[] = []
  private held: (() => void)[] = []
  constructor(
    private readonly server: RunServer,
    readonly ledger: Ledger,
  ) {}

  /** The fetch a phone uses: each request takes the next fault from the phone's list. */
  fetchFor(phone: () => Phone): FetchLike {
    return async (url, init) => {
      const fault = phone().faults.shift() ?? 'ok'
      const isPush = url.includes('/api/sync/push')
      const deliver = async (u = url, i = init) => {
        const res = await this.server.handle(u, i)
        return this.observe(u, i, res)
      }
      switch (fault) {
        case 'ok':
          return deliver()
        case 'slow':
          // The worker keeps working while this request is on its way (see release()).
          if (phone().background) await new Promise<void>((resolve) => this.held.push(resolve))
          return deliver()
        case 'lose-request':
          throw new TypeError('network: request lost')
        case 'lose-response':
          await deliver()
          throw new TypeError('network: answer lost')
        case 'duplicate': {
          await deliver()
          return deliver()
        }
        case 'delay':
          // Delivered later, after other requests: batches arrive out of order.
          this.delayed.push({ url, init })
          throw new TypeError('network: request delayed')
        case 'crash-mid-batch': {
          if (isPush) {
            // The server got through part of the batch, then the process died.
            const body = JSON.parse(String(init.body)) as { deviceId: string; mutations: Mutation[] }
            const part = body.mutations.slice(0, Math.ceil(body.mutations.length / 2))
            await deliver(url, { ...init, body: JSON.stringify({ ...body, mutations: part }) })
          }
          await this.server.restart()
          throw new TypeError('network: server went away')
        }
        case 'restart-after':
          await deliver()
          await this.server.restart()
          throw new TypeError('network: connection reset')
      }
    }
  }

  /** Lets held requests go on (called after every operation of the scenario). */
  release(): void {
    const held = this.held
    this.held = []
    for (const go of held) go()
  }

  async flushDelayed(): Promise<void> {
    const list = this.delayed.reverse() // the last delayed arrives first
    this.delayed = []
    for (const { url, init } of list) await this.server.handle(url, init).then((r) => this.observe(url, init, r, false))
  }

  /** Notes what was sent and which answers a phone saw. */
  private async observe(url: string, init: RequestInitLike, res: ResponseLike, seenByPhone = true): Promise<ResponseLike> {
    if (!url.includes('/api/sync/push')) return res
    const body = JSON.parse(String(init.body)) as { mutations: Mutation[] }
    for (const m of body.mutations) this.ledger.sent.set(m.id, m)
    const json = await res.json()
    if (seenByPhone && res.status === 200) {
      for (const r of (json as { results: PushResult[] }).results) {
        if (r.status === 'rejected') this.ledger.rejected.set(r.mutationId, r.reason ?? '')
        else this.ledger.acked.add(r.mutationId)
      }
    }
    return { status: res.status, json: async () => json }
  }
}

async function makePhone(account: Account, t0: number, fetch: FetchLike, name: string): Promise<Phone> {
  const db = new FullGridDb(`conv-${name}-${Math.random().toString(36).slice(2)}`)
  await ensureDeviceId(db, () => account.deviceId)
  await setMeta(db, 'session', account.session)
  const clock = { t: t0 }
  const now = () => clock.t
  // Small batches and pages so one sync makes several requests for the faults to hit.
  const ctx = makeContext({ db, fetch, now, pullLimit: 4, timeoutMs: 10_000 })
  return { db, repo: new Repository(db, { now }), ctx, clock, userId: account.session.user.id, faults: [], inflight: null, background: false }
}

// ---------------------------------------------------------------------------------------------
// Random scenarios
// ---------------------------------------------------------------------------------------------

const phoneArb = fc.nat({ max: PHONES - 1 })
const valueArb = fc.constantFrom('甲', '乙', '丙', '丁', '戊')
const faultArb = fc.constantFrom<Fault>('ok', 'slow', 'slow', 'lose-request', 'lose-response', 'duplicate', 'delay', 'crash-mid-batch', 'restart-after')
const eventTypes = ['accepted', 'arrived', 'progress', 'resolved', 'rated', 'closed', 'reopened'] as const

const editArbs = [
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('editHousehold' as const), p: phoneArb, h: fc.nat({ max: HOUSEHOLDS - 1 }), field: fc.constantFrom('phone', 'notes', 'needs', 'headName'), value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteHousehold' as const), p: phoneArb, h: fc.nat({ max: HOUSEHOLDS - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('visit' as const), p: phoneArb, h: fc.nat({ max: HOUSEHOLDS - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('editIssue' as const), p: phoneArb, i: fc.nat({ max: ISSUES - 1 }), level: fc.constantFrom('micro', 'grid', 'street') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('event' as const), p: phoneArb, i: fc.nat({ max: ISSUES - 1 }), type: fc.constantFrom(...eventTypes) }) },
] as const
const editArb = fc.oneof(...editArbs)
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never

const opArb = fc.oneof(
  ...editArbs,
  // `during`: edits the worker makes on this phone while the sync is on the network ('slow'
  // requests wait for them); `background`: the sync goes on while later operations run.
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      p: phoneArb,
      faults: fc.array(faultArb, { maxLength: 5 }),
      during: fc.array(editArb, { maxLength: 3 }),
      background: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), p: phoneArb, ms: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
)
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never

const scenarioArb = fc.record({
  ops: fc.array(opArb, { minLength: 4, maxLength: 36 }),
  /** Phones' clocks disagree by up to a minute. */
  skews: fc.array(fc.integer({ min: -60_000, max: 60_000 }), { minLength: PHONES, maxLength: PHONES }),
})

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const canonical = (r: Rec) => JSON.stringify(r, Object.keys(r).sort())
async function tableOf(db: FullGridDb, entity: EntityName): Promise<string[]> {
  const rows = (await db.table(entity).toArray()) as Rec[]
  return rows.map(canonical).sort()
}

/** Waits for a phone's sync (the one given or the background one) and clears its faults. */
async function settle(p: Phone, net: Network, running: Promise<unknown> | null = p.inflight): Promise<void> {
  p.background = false
  net.release()
  await running
  p.inflight = null
  p.faults = []
}

async function runScenario(server: RunServer, scenario: { ops: Op[]; skews: number[] }, run: number) {
  const ledger: Ledger = { sent: new Map(), acked: new Set(), rejected: new Map() }
  const net = new Network(server, ledger)
  const t0 = Date.now()
  const phones: Phone[] = []
  for (let i = 0; i < PHONES; i++) {
    const idx = i
    phones.push(await makePhone(server.accounts[i], t0 + scenario.skews[i], net.fetchFor(() => phones[idx]), `${run}-${i}`))
  }
  const cleanup = async () => {
    for (const p of phones) await settle(p, net)
    for (const p of phones) await p.db.delete()
  }
  try {
    // The shared starting point: phone 0 creates the households and issues; everyone syncs.
    const [first] = phones
    const households: string[] = []
    const issues: string[] = []
    for (let h = 0; h < HOUSEHOLDS; h++) {
      const rec = await first.repo.create('households', {
        gridId: server.gridId, buildingId: null, unit: '1', room: `${101 + h}`, address: `阳光花园1号楼${101 + h}室`,
        headName: '王秀英', phone: '13800000000', members: [], tags: [], health: '', situation: '', needs: '', notes: '',
      })
      households.push(rec.id)
    }
    for (let i = 0; i < ISSUES; i++) {
      const rec = await first.repo.create('issues', {
        gridId: server.gridId, householdId: null, type: 'issue', source: 'patrol', category: 'sanitation', title: `楼道杂物${i}`,
        description: '', photoIds: [], level: 'micro', reportedAt: first.clock.t, reportedBy: first.userId,
      })
      await first.repo.create('issueEvents', { issueId: rec.id, type: 'reported', actorId: first.userId, at: first.clock.t, data: {} })
      issues.push(rec.id)
    }
    for (const p of phones) await syncOnce(p.ctx)

    // Random offline edits, syncs with faults, clocks moving, late deliveries.
    const edit = async (op: Edit) => {
      const p = phones[op.p]
      p.clock.t += 1
      switch (op.kind) {
        case 'editHousehold':
          return p.repo.update('households', households[op.h], { [op.field]: op.value })
        case 'deleteHousehold':
          return p.repo.remove('households', households[op.h])
        case 'visit':
          return p.repo.create('visits', {
            householdId: households[op.h], gridId: server.gridId, workerId: p.userId, startedAt: p.clock.t, endedAt: p.clock.t,
            outcome: 'met', answers: {}, notes: '', needs: '', photoIds: [], followUp: false,
          })
        case 'editIssue':
          return p.repo.update('issues', issues[op.i], { level: op.level as 'micro' })
        case 'event': {
          const data: IssueEvent['data'] = op.type === 'rated' ? { rating: 5 } : op.type === 'progress' ? { note: '处理中' } : {}
          return p.repo.create('issueEvents', { issueId: issues[op.i], type: op.type, actorId: p.userId, at: p.clock.t, data })
        }
      }
    }

    for (const op of scenario.ops) {
      switch (op.kind) {
        case 'sync': {
          const p = phones[op.p]
          await settle(p, net)
          p.faults = [...op.faults]
          p.background = true
          const running = syncOnce(p.ctx).catch(() => {})
          for (const e of op.during) {
            await edit({ ...e, p: op.p })
            net.release()
          }
          if (op.background) p.inflight = running
          else await settle(p, net, running)
          break
        }
        case 'tick':
          phones[op.p].clock.t += op.ms
          break
        case 'flush':
          await net.flushDelayed()
          break
        default:
          await edit(op)
      }
      net.release()
    }

    // Every late request arrives; then fault-free rounds until nobody has anything to say.
    for (const p of phones) await settle(p, net)
    await net.flushDelayed()
    let quiet = false
    for (let round = 0; round < 8 && !quiet; round++) {
      let received = 0
      let queued = 0
      for (const p of phones) received += (await syncOnce(p.ctx)).received
      for (const p of phones) queued += await p.db.outbox.count()
      quiet = received === 0 && queued === 0 && round > 0
    }
    expect(quiet, 'sync rounds never went quiet').toBe(true)

    // 1. Every phone holds what the server holds: a fresh phone's first download is the server's view.
    const observer = await makePhone(server.accounts[PHONES], Date.now(), server.handle, `${run}-observer`)
    phones.push(observer)
    await syncOnce(observer.ctx)
    for (const entity of COMPARED) {
      const truth = await tableOf(observer.db, entity)
      const rows = await server.rows(entity)
      if (rows) expect(truth, `${entity}: observer vs server rows`).toEqual(rows.map(canonical).sort())
      for (const [i, p] of phones.slice(0, PHONES).entries()) {
        expect(await tableOf(p.db, entity), `${entity} on phone ${i}`).toEqual(truth)
      }
    }

    // 2. Acknowledged writes: per field the highest-stamped acknowledged value; creates exactly once.
    const acked = [...ledger.acked].map((id) => ledger.sent.get(id)!).filter(Boolean)
    for (const entity of ['households', 'issues'] as const) {
      const expected = new Map<string, { hlc: string; value: unknown }>()
      for (const m of acked.filter((x) => x.entity === entity)) {
        for (const [field, value] of Object.entries(m.fields)) {
          if (field === 'hlc' || field === 'id') continue
          const key = `${m.recordId}/${field}`
          const cur = expected.get(key)
          if (!cur || m.hlc > cur.hlc) expected.set(key, { hlc: m.hlc, value })
        }
      }
      for (const [key, { value }] of expected) {
        const [id, field] = key.split('/')
        const rec = (await observer.db.table(entity).get(id)) as Rec
        expect(rec?.[field], `${entity} ${key}`).toEqual(value)
      }
    }
    for (const entity of ['visits', 'issueEvents'] as const) {
      const created = new Set(acked.filter((m) => m.entity === entity && m.fields.id === m.recordId).map((m) => m.recordId))
      const held = ((await observer.db.table(entity).toArray()) as Rec[]).map((r) => r.id)
      expect(held.length, `${entity}: no duplicates`).toBe(new Set(held).size)
      expect(new Set(held), `${entity}: exactly the acknowledged creates`).toEqual(created)
    }

    if (process.env.CONV_DEBUG) console.log(JSON.stringify({ acked: ledger.acked.size, sent: ledger.sent.size, rejected: [...new Set(ledger.rejected.values())], ops: scenario.ops.length, faults: scenario.ops.filter((o) => o.kind === "sync").flatMap((o) => o.faults).length }))
    // 3. Nothing waits, and nothing was refused without a reason the worker can read.
    for (const p of phones) {
      expect(await p.db.outbox.count()).toBe(0)
      for (const r of await p.db.rejected.toArray()) expect(r.reason.length).toBeGreaterThan(0)
    }
  } finally {
    await cleanup()
  }
}

describe.each([realHarness(), fakeHarness()])('convergence over the $name', (harness) => {
  beforeAll(() => harness.setup())
  afterAll(() => harness.teardown())

  it('converges after random offline edits and network faults', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const server = await harness.newRun(run++)
        await runScenario(server, scenario, run)
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    )
  }, 170_000)
})
