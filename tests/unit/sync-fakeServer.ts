/**
 * An in-memory server that follows DESIGN §4 closely enough to test the client engine without
 * Fastify or a database: field LWW by HLC, idempotent mutation ids, append-only creates, a
 * feed with an opaque cursor, blobs, bearer tokens and revoked devices. It answers through a
 * fetch-like function so tests can wrap it with faults.
 */
import { ENTITIES, type EntityName } from '@/domain/entities'
import { pushRequestSchema, type Change, type Mutation, type PushResult } from '@/domain/sync'
import type { FetchLike, RequestInitLike, ResponseLike } from '@/sync'

interface Row {
  entity: EntityName
  id: string
  data: Record<string, unknown>
  fieldHlc: Record<string, string>
  hlc: string
  deleted: boolean
  seq: number
}

export interface FakeSession {
  userId: string
  deviceId: string
}

export class FakeServer {
  readonly rows = new Map<string, Row>()
  readonly mutationIds = new Set<string>()
  readonly blobs = new Map<string, Blob>()
  readonly sessions = new Map<string, FakeSession>()
  readonly revokedDevices = new Set<string>()
  readonly log: string[] = []
  private seq = 0
  /** Next answers to force, e.g. 503 for a sick server. */
  forcedStatus: number[] = []

  addSession(token: string, session: FakeSession): void {
    this.sessions.set(token, session)
  }

  record(entity: EntityName, id: string): Record<string, unknown> | undefined {
    const row = this.rows.get(`${entity}:${id}`)
    return row ? { ...row.data, id, hlc: row.hlc, deleted: row.deleted } : undefined
  }

  records(entity: EntityName): Record<string, unknown>[] {
    return [...this.rows.values()].filter((r) => r.entity === entity).map((r) => this.record(entity, r.id)!)
  }

  /** Writes as another device would (already applied, in the feed). */
  seed(entity: EntityName, data: Record<string, unknown> & { id: string; hlc: string }): void {
    this.apply({ id: crypto.randomUUID(), entity, recordId: data.id, op: 'put', fields: data, hlc: data.hlc })
  }

  fetch: FetchLike = async (url: string, init: RequestInitLike): Promise<ResponseLike> => {
    const u = new URL(url, 'http://fake')
    this.log.push(`${init.method} ${u.pathname}`)
    const forced = this.forcedStatus.shift()
    if (forced) return reply(forced, { error: 'forced', message: `forced ${forced}` })
    const token = (init.headers.authorization ?? '').replace(/^Bearer /, '')
    const session = this.sessions.get(token)
    if (!session) return reply(401, { error: 'unauthorized', message: 'please log in' })
    if (this.revokedDevices.has(session.deviceId)) return reply(401, { error: 'device_revoked', message: '此设备已被管理员停用' })

    if (init.method === 'POST' && u.pathname === '/api/sync/push') {
      const parsed = pushRequestSchema.safeParse(JSON.parse(String(init.body)))
      if (!parsed.success) return reply(400, { error: 'bad_request', message: parsed.error.message })
      return reply(200, { results: parsed.data.mutations.map((m) => this.push(m)) })
    }
    if (init.method === 'GET' && u.pathname === '/api/sync/pull') {
      const after = Number(u.searchParams.get('cursor') ?? '0')
      if (!Number.isFinite(after)) return reply(400, { error: 'bad_cursor', message: 'bad cursor' })
      const limit = Number(u.searchParams.get('limit') ?? '1000')
      const feed = [...this.rows.values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq)
      const page = feed.slice(0, limit)
      const changes: Change[] = page.map((r) => ({ entity: r.entity, id: r.id, hlc: r.hlc, deleted: r.deleted, data: { ...r.data, id: r.id } }))
      const cursor = String(page.length ? page[page.length - 1].seq : after)
      // Like the real server: only a download from the start says how much follows.
      const remaining = u.searchParams.has('cursor') ? {} : { remaining: feed.length - page.length }
      return reply(200, { changes, cursor, hasMore: feed.length > page.length, ...remaining })
    }
    const blob = /^\/api\/blobs\/([0-9a-f]{64})$/.exec(u.pathname)
    if (blob && init.method === 'PUT') {
      this.blobs.set(blob[1], init.body as Blob)
      return reply(200, { ok: true })
    }
    return reply(404, { error: 'not_found', message: u.pathname })
  }

  push(m: Mutation): PushResult {
    if (this.mutationIds.has(m.id)) return { mutationId: m.id, status: 'duplicate' }
    const reason = this.apply(m)
    if (reason) return { mutationId: m.id, status: 'rejected', reason }
    this.mutationIds.add(m.id)
    return { mutationId: m.id, status: 'applied' }
  }

  /** Applies a mutation; returns a rejection reason or undefined. */
  apply(m: Mutation): string | undefined {
    const key = `${m.entity}:${m.recordId}`
    const rule = ENTITIES[m.entity]
    const row = this.rows.get(key)
    const isCreate = m.op === 'put' && m.fields.id === m.recordId
    if (m.entity === 'issueEvents' && isCreate && !row) {
      const issueId = m.fields.issueId as string
      if (!this.rows.get(`issues:${issueId}`)) return 'unknown issue'
      // Validate against the events before it: nothing after 'closed' but 'reopened'.
      const events = [...this.rows.values()].filter((r) => r.entity === 'issueEvents' && r.data.issueId === issueId).sort((a, b) => a.seq - b.seq)
      const last = events[events.length - 1]?.data.type
      if (last === 'closed' && m.fields.type !== 'reopened') return 'issue is closed'
      if (m.fields.type === 'reopened' && last !== 'closed') return 'issue is not closed'
    }
    if (!row) {
      if (!isCreate) return 'unknown record'
      const data: Record<string, unknown> = {}
      const fieldHlc: Record<string, string> = {}
      for (const [f, v] of Object.entries(m.fields)) {
        if (f === 'hlc' || f === 'deleted') continue
        data[f] = v
        fieldHlc[f] = m.hlc
      }
      fieldHlc.deleted = m.hlc
      this.rows.set(key, { entity: m.entity, id: m.recordId, data, fieldHlc, hlc: m.hlc, deleted: false, seq: ++this.seq })
      return undefined
    }
    if (isCreate && rule.merge !== 'lww') return undefined // a second create of the same id is ignored
    const fields = Object.entries(m.fields).filter(([f]) => f !== 'hlc' && f !== 'id')
    if (rule.mutableFields && !isCreate) {
      const frozen = fields.filter(([f]) => f !== 'deleted' && !(rule.mutableFields as readonly string[]).includes(f))
      if (frozen.length) return `cannot change ${frozen.map(([f]) => f).join(', ')}`
    }
    let changed = false
    for (const [f, v] of fields) {
      if ((row.fieldHlc[f] ?? '') >= m.hlc) continue
      row.fieldHlc[f] = m.hlc
      if (f === 'deleted') row.deleted = Boolean(v)
      else row.data[f] = v
      changed = true
    }
    if (changed) {
      if (m.hlc > row.hlc) row.hlc = m.hlc
      row.seq = ++this.seq
    }
    return undefined
  }
}

function reply(status: number, body: unknown): ResponseLike {
  return { status, json: async () => body }
}
