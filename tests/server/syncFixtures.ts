/**
 * Helpers for sync tests: mutations built the way the phone's outbox builds them (a create
 * carries the whole record), and push/pull through the API.
 */
import type { FastifyInstance } from 'fastify'
import { formatHlc, Hlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import type { EntityName } from '../../src/domain/entities'
import type { Change, Mutation, PushResult } from '../../src/domain/sync'
import { injectJson } from './helper'

/**
 * A device's clock for tests: strictly increasing stamps, from the real time unless `start` pins
 * it (then one millisecond per stamp).
 */
export function testClock(node: string, start?: number) {
  if (start === undefined) {
    const hlc = new Hlc(node)
    return () => hlc.now()
  }
  let wall = start
  return () => formatHlc({ wall: wall++, counter: 0, node })
}

// Record factories live in tests/factories.ts (shared with the unit and integration tests).
export { building, household, issue, issueEvent, patrol, segment, visit } from '../factories'

/** A create, as the outbox writes it. */
export function create(entity: EntityName, record: { id: string } & Record<string, unknown>, hlc: string): Mutation {
  return { id: uuidv7(), entity, recordId: record.id, op: 'put', fields: { ...record, hlc }, hlc }
}

export function update(entity: EntityName, recordId: string, fields: Record<string, unknown>, hlc: string): Mutation {
  return { id: uuidv7(), entity, recordId, op: 'put', fields, hlc }
}

export function remove(entity: EntityName, recordId: string, hlc: string): Mutation {
  return { id: uuidv7(), entity, recordId, op: 'delete', fields: { deleted: true }, hlc }
}

export interface Auth {
  headers: { authorization: string }
}

export async function push(app: FastifyInstance, auth: Auth, mutations: Mutation[], deviceId = 'test-device'): Promise<PushResult[]> {
  const res = await injectJson(app, { method: 'POST', url: '/api/sync/push', headers: auth.headers, payload: { deviceId, mutations } })
  if (res.status !== 200) throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.results
}

/** Pulls until hasMore is false; returns every change in order and the last cursor. */
export async function pullAll(app: FastifyInstance, auth: Auth, cursor?: string, limit?: number): Promise<{ changes: Change[]; cursor: string; pages: number }> {
  const changes: Change[] = []
  let pages = 0
  const quietBy = Date.now() + QUIET_WAIT_MS
  for (;;) {
    const qs = new URLSearchParams()
    if (cursor) qs.set('cursor', cursor)
    if (limit) qs.set('limit', String(limit))
    const res = await injectJson(app, { method: 'GET', url: `/api/sync/pull?${qs}`, headers: auth.headers })
    if (res.status !== 200) throw new Error(`pull failed: ${res.status} ${JSON.stringify(res.body)}`)
    pages++
    changes.push(...res.body.changes)
    cursor = res.body.cursor
    if (res.body.hasMore) continue
    // On PostgreSQL the feed holds back changes committed after any transaction still running
    // in the cluster — another test file's seeding, say. Pull "until quiet" like a device would.
    if (!(await heldBack(app)) || Date.now() > quietBy) return { changes, cursor: cursor!, pages }
    await new Promise((r) => setTimeout(r, 25))
  }
}

// Long enough for another test file's seeding transaction on a loaded 2-core machine; a change that is
// really missing returns at once (nothing held back), so the wait never hides a failure.
const QUIET_WAIT_MS = 40_000

async function heldBack(app: FastifyInstance): Promise<boolean> {
  const { rows } = await app.db.query<{ held: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM records WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())) AS held',
  )
  return rows[0].held
}
