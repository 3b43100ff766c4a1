/**
 * The server side for the client sync tests: the real mutation judge (server/sync/judgeMutation)
 * over an in-memory working set instead of PostgreSQL, so the engine is tested against the
 * server's own rules (merge, scope, authorship, references, issue lifecycle, clock, idempotency)
 * and not against rules of a fake. The whole "database" is one WorkingSet that lives as long as
 * the server: the judge reads and changes it exactly as it does the set loaded for one push.
 *
 * Around the judge it does what the HTTP layer does: bearer sessions, revoked devices, a pull
 * feed in commit order with an opaque cursor (records the user may see, removals of records
 * changed since the cursor that the user may not see), blobs, and a `Date` header from its clock.
 * It answers through a fetch-like function so tests can wrap it with faults.
 */
import type { EntityName } from '@/domain/entities'
import { deriveIssueState, type IssueEventLike } from '@/domain/issueState'
import { mergeMutation } from '@/domain/merge'
import { pushRequestSchema, type Mutation, type PullChange, type PushResult } from '@/domain/sync'
import type { FetchLike, RequestInitLike, ResponseLike } from '@/sync'
import { gridIdOf, ownerIdOf } from '../../server/records'
import { judgeMutation } from '../../server/sync/judgeMutation'
import { canSee, type Scope } from '../../server/sync/scope'
import { emptyWorkingSet, rowKey, type WorkingSet } from '../../server/sync/workingSet'

export interface MemoryUser {
  role: 'worker' | 'supervisor' | 'admin'
  gridIds: string[]
}

export interface MemorySession {
  userId: string
  deviceId: string
}

export class MemoryServer {
  /** The database: every row, every mutation id applied, every issue's events. */
  readonly ws: WorkingSet = emptyWorkingSet()
  /** Position of each row in the feed (its last commit). */
  private readonly seqs = new Map<string, number>()
  private seq = 0
  readonly users = new Map<string, MemoryUser>()
  readonly sessions = new Map<string, MemorySession>()
  readonly revokedDevices = new Set<string>()
  readonly blobs = new Map<string, Blob>()
  /** `METHOD /path` of every request, for asserting what the engine sent. */
  readonly log: string[] = []
  /** Next answers to force, e.g. 503 for a sick server. */
  forcedStatus: number[] = []

  /** The server's clock (tests point it at the phone's clock, or set it apart from it). */
  constructor(public now: () => number = Date.now) {}

  addUser(userId: string, user: MemoryUser): void {
    this.users.set(userId, user)
  }

  /** A session (and its user, a worker of `gridIds` unless already added). */
  addSession(token: string, session: MemorySession, user: MemoryUser = { role: 'worker', gridIds: [] }): void {
    if (!this.users.has(session.userId)) this.users.set(session.userId, user)
    this.sessions.set(token, session)
  }

  /** Reassigns a user's grids; everything is offered to the feed again (kept or removed by the new scope). */
  setGrids(userId: string, gridIds: string[]): void {
    this.users.get(userId)!.gridIds = gridIds
    for (const key of this.ws.rows.keys()) this.seqs.set(key, ++this.seq)
  }

  record(entity: EntityName, id: string): Record<string, unknown> | undefined {
    return this.ws.rows.get(rowKey(entity, id))?.data
  }

  records(entity: EntityName): Record<string, unknown>[] {
    return [...this.ws.rows.values()].filter((r) => r.entity === entity).map((r) => r.data)
  }

  /** A whole record written by someone else (seeding, an admin tool): every field at its stamp. */
  seed(entity: EntityName, data: Record<string, unknown> & { id: string; hlc: string }): void {
    this.merge({ id: crypto.randomUUID(), entity, recordId: data.id, op: 'put', fields: { deleted: false, ...data }, hlc: data.hlc })
  }

  /** A mutation already applied by another device (merged, no scope checks), now in the feed. */
  apply(m: Mutation): void {
    this.merge(m)
  }

  /** Moves a record to another grid, as a supervisor's reassignment does. */
  move(entity: EntityName, id: string, gridId: string, hlc: string): void {
    this.merge({ id: crypto.randomUUID(), entity, recordId: id, op: 'put', fields: { gridId }, hlc })
  }

  fetch: FetchLike = async (url: string, init: RequestInitLike): Promise<ResponseLike> => {
    const u = new URL(url, 'http://memory')
    this.log.push(`${init.method} ${u.pathname}`)
    const forced = this.forcedStatus.shift()
    if (forced) return this.reply(forced, { error: 'forced', message: `forced ${forced}` })
    const token = (init.headers.authorization ?? '').replace(/^Bearer /, '')
    const session = this.sessions.get(token)
    if (!session) return this.reply(401, { error: 'unauthorized', message: '登录已过期，请重新登录' })
    if (this.revokedDevices.has(session.deviceId)) return this.reply(401, { error: 'device_revoked', message: '此设备已被管理员停用' })
    const scope = this.scopeOf(session.userId)

    if (init.method === 'POST' && u.pathname === '/api/sync/push') {
      const parsed = pushRequestSchema.safeParse(JSON.parse(String(init.body)))
      if (!parsed.success) return this.reply(400, { error: 'bad_request', message: parsed.error.message })
      if (parsed.data.deviceId !== session.deviceId) return this.reply(400, { error: 'bad_request', message: 'deviceId is not this session’s device' })
      return this.reply(200, { results: this.push(scope, session.deviceId, parsed.data.mutations) })
    }
    if (init.method === 'GET' && u.pathname === '/api/sync/pull') {
      const cursor = u.searchParams.get('cursor')
      const after = cursor === null ? 0 : Number(cursor)
      if (!Number.isInteger(after) || after < 0) return this.reply(400, { error: 'bad_cursor', message: 'bad cursor' })
      const limit = Number(u.searchParams.get('limit') ?? '1000')
      const feed = [...this.ws.rows.entries()]
        .map(([key, row]) => ({ row, seq: this.seqs.get(key)! }))
        .filter((r) => r.seq > after)
        // A first download sends only what the user may see; later pages also say what left.
        .filter((r) => cursor !== null || canSee(scope, r.row))
        .sort((a, b) => a.seq - b.seq)
      const page = feed.slice(0, limit)
      const changes: PullChange[] = page.map(({ row }) =>
        canSee(scope, row)
          ? { entity: row.entity, id: row.id, hlc: String(row.data.hlc), deleted: row.data.deleted === true, data: { ...row.data } }
          : { entity: row.entity, id: row.id, removed: true },
      )
      const next = String(page.length ? page[page.length - 1].seq : after)
      const remaining = cursor === null ? { remaining: feed.length - page.length } : {}
      return this.reply(200, { changes, cursor: next, hasMore: feed.length > page.length, ...remaining })
    }
    const blob = /^\/api\/blobs\/([0-9a-f]{64})$/.exec(u.pathname)
    if (blob && init.method === 'PUT') {
      this.blobs.set(blob[1], init.body as Blob)
      return this.reply(200, { ok: true })
    }
    return this.reply(404, { error: 'not_found', message: u.pathname })
  }

  /** Judges a batch in order against the one working set; applied rows move to the feed's end. */
  push(scope: Scope, deviceId: string, mutations: readonly Mutation[]): PushResult[] {
    const results = mutations.map((m) => judge(this.ws, scope, deviceId, m, this.now()))
    this.commit()
    return results
  }

  /**
   * The scope server/sync/scope.loadScope would compute: an admin everything; anyone else their
   * grids and every grid below them (a supervisor's are their community's tree), the communities of
   * those grids, and the issues assigned to them.
   */
  scopeOf(userId: string): Scope {
    const user = this.users.get(userId) ?? { role: 'worker', gridIds: [] }
    const none = { communityIds: new Set<string>(), assignedIssueIds: new Set<string>() }
    if (user.role === 'admin') return { userId, role: user.role, all: true, gridIds: new Set(), ...none, fingerprint: 'all' }
    const gridIds = new Set(user.gridIds)
    for (let grew = true; grew; ) {
      grew = false
      for (const row of this.ws.rows.values()) {
        const parent = String(row.data.parentId ?? row.data.communityId ?? '')
        if (row.entity === 'grids' && !gridIds.has(row.id) && gridIds.has(parent)) {
          gridIds.add(row.id)
          grew = true
        }
      }
    }
    const communityIds = new Set<string>()
    const assignedIssueIds = new Set<string>()
    for (const row of this.ws.rows.values()) {
      if (row.entity === 'grids' && gridIds.has(row.id) && typeof row.data.communityId === 'string') communityIds.add(row.data.communityId.toLowerCase())
    }
    for (const [issueId, events] of this.ws.issueEvents) {
      if (deriveIssueState(events).assigneeId === userId) assignedIssueIds.add(issueId)
    }
    return { userId, role: user.role, all: false, gridIds, communityIds, assignedIssueIds, fingerprint: [...gridIds].sort().join(',') }
  }

  private merge(m: Mutation): void {
    const key = rowKey(m.entity, m.recordId)
    const before = this.ws.rows.get(key) ?? null
    const outcome = mergeMutation(m.entity, before, m)
    if (outcome.kind === 'rejected') throw new Error(`seed refused: ${outcome.reason}`)
    if (outcome.kind === 'unchanged') return
    const data = outcome.state.data
    this.ws.rows.set(key, {
      entity: m.entity,
      id: m.recordId.toLowerCase(),
      data,
      fieldHlc: outcome.state.fieldHlc,
      gridId: gridIdOf(m.entity, data) ?? before?.gridId ?? this.parentGrid(m.entity, data),
      ownerId: before?.ownerId ?? ownerIdOf(m.entity, data),
      stored: true,
      dirty: true,
    })
    if (m.entity === 'issueEvents' && !before) {
      const issueId = String(data.issueId).toLowerCase()
      this.ws.issueEvents.set(issueId, [...(this.ws.issueEvents.get(issueId) ?? []), data as unknown as IssueEventLike])
    }
    this.commit()
  }

  /** Events and segments are scoped by their parent's grid, as the server stores them. */
  private parentGrid(entity: EntityName, data: Record<string, unknown>): string | null {
    const parent = entity === 'issueEvents' ? rowKey('issues', String(data.issueId)) : entity === 'trackSegments' ? rowKey('patrols', String(data.patrolId)) : null
    return parent ? (this.ws.rows.get(parent)?.gridId ?? null) : null
  }

  /** What writeWorkingSet does for the database: changed rows are stored and get a feed position. */
  private commit(): void {
    for (const [key, row] of this.ws.rows) {
      if (!row.dirty) continue
      row.dirty = false
      row.stored = true
      this.seqs.set(key, ++this.seq)
    }
    this.ws.applied.length = 0
  }

  private reply(status: number, body: unknown): ResponseLike {
    const date = new Date(this.now()).toUTCString()
    return { status, json: async () => structuredClone(body), headers: { get: (name) => (name.toLowerCase() === 'date' ? date : null) } }
  }
}

/** The one call into the server's judge (a stamp's device part must be the pushing device). */
function judge(ws: WorkingSet, scope: Scope, deviceId: string, m: Mutation, now: number): PushResult {
  return judgeMutation(ws, scope, m, now, deviceId)
}
