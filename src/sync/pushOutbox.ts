/**
 * Drains the outbox to `POST /api/sync/push` in batches of at most PUSH_MAX_MUTATIONS, in the
 * order the writes happened. An entry leaves the outbox only when the server answers `applied`
 * or `duplicate`; `rejected` moves it to 需处理 with the reason. A batch refused as a whole (4xx)
 * is split in halves until the one bad mutation is found, so one bad item never blocks the queue.
 */
import { getMeta } from '../db/meta'
import { listOutbox, noteAttempt, settlePush } from '../db/sync'
import { PUSH_MAX_MUTATIONS, pushResponseSchema, type Mutation, type OutboxEntry, type PushResult } from '../domain/sync'
import type { SyncContext } from './context'
import { ProtocolError, RequestRefusedError, UnauthorizedError } from './errors'
import { apiRequest } from './request'
import { refusedBlobOf, uploadBlobs } from './uploadBlobs'

export interface PushOutcome {
  /** Ids of the entries this run tried (answered or not). */
  tried: Set<string>
  acknowledged: number
  rejected: number
  /** A refused edit made the next pull start from scratch. */
  cursorReset: boolean
  /** Outbox entries left after the last stored answer (undefined until one is stored). */
  pending?: number
}

export async function pushOutbox(ctx: SyncContext, batchSize = PUSH_MAX_MUTATIONS): Promise<PushOutcome> {
  const out: PushOutcome = { tried: new Set(), acknowledged: 0, rejected: 0, cursorReset: false }
  const entries = await listOutbox(ctx.db)
  if (!entries.length) return out
  const deviceId = await getMeta(ctx.db, 'deviceId')
  if (!deviceId) throw new UnauthorizedError('请先登录 / Please log in', 'device_id_missing')
  const size = Math.max(1, Math.min(batchSize, PUSH_MAX_MUTATIONS))
  for (let i = 0; i < entries.length; i += size) {
    await pushBatch(ctx, deviceId, entries.slice(i, i + size), out)
    ctx.onProgress?.({ phase: 'pushing', done: Math.min(i + size, entries.length), total: entries.length, firstSync: false, pending: out.pending })
  }
  return out
}

async function pushBatch(ctx: SyncContext, deviceId: string, batch: OutboxEntry[], out: PushOutcome): Promise<void> {
  for (const e of batch) out.tried.add(e.id)
  const refusedBlobs = await uploadBlobs(ctx, batch)
  const local: PushResult[] = []
  const send: OutboxEntry[] = []
  for (const e of batch) {
    const reason = refusedBlobOf(e, refusedBlobs)
    if (reason) local.push({ mutationId: e.id, status: 'rejected', reason, code: 'invalid', params: { detail: reason } })
    else send.push(e)
  }
  if (local.length) await settle(ctx, batch, local, out)
  if (!send.length) return

  let raw: unknown
  try {
    raw = await apiRequest(ctx, { method: 'POST', path: '/api/sync/push', json: { deviceId, mutations: send.map(toMutation) } })
  } catch (err) {
    if (err instanceof RequestRefusedError) {
      // The server refuses the request as a whole and applies none of it (DESIGN §5): find the
      // culprit by halves instead of blocking every entry behind it.
      if (send.length === 1) {
        await settle(ctx, send, [{ mutationId: send[0].id, status: 'rejected', reason: err.message, code: 'invalid', params: { detail: err.message } }], out)
        return
      }
      const half = Math.ceil(send.length / 2)
      await pushBatch(ctx, deviceId, send.slice(0, half), out)
      await pushBatch(ctx, deviceId, send.slice(half), out)
      return
    }
    await noteAttempt(ctx.db, send.map((e) => e.id)).catch(() => {})
    throw err
  }
  const parsed = pushResponseSchema.safeParse(raw)
  if (!parsed.success) throw new ProtocolError('服务器的回答无法识别，请稍后重试', 'push answer does not match the protocol')
  await settle(ctx, send, parsed.data.results, out)
}

async function settle(ctx: SyncContext, entries: OutboxEntry[], results: PushResult[], out: PushOutcome): Promise<void> {
  const r = await settlePush(ctx.db, entries, results, ctx.now())
  out.acknowledged += r.acknowledged
  out.rejected += r.rejected
  out.cursorReset ||= r.cursorReset
  out.pending = r.pending
}

/** Only the wire fields travel: local bookkeeping (queuedAt, attempts) stays on the phone. */
export function toMutation(e: OutboxEntry): Mutation {
  return { id: e.id, entity: e.entity, recordId: e.recordId, op: e.op, fields: e.fields, hlc: e.hlc }
}
