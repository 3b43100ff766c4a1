/**
 * The locked phone's push (issue 19): the outbox's escrow copies (src/db/escrow.ts), read without
 * the data key, to `POST /api/sync/push-escrowed`. The server opens each, checks it with push's
 * schema and judges it with push's judge, so a mutation it accepts here is answered `duplicate`
 * when the unlocked page pushes the same id later, and settlePush clears the row then. Nothing
 * is deleted here: the page's normal push stays the one place the outbox is settled.
 */
import { getMeta } from '../db/meta'
import { readClearOutbox } from '../db/sync'
import { PUSH_MAX_MUTATIONS, pushResponseSchema } from '../domain/sync'
import type { SyncContext } from './context'
import { ProtocolError, UnauthorizedError } from './errors'
import { apiRequest } from './request'

export interface EscrowPushOutcome {
  /** Escrow copies sent. */
  sent: number
  /** Mutation ids the server accepted (applied, or had already). */
  accepted: Set<string>
  /** Copies the server refused (judged, or a bad envelope): they wait for the unlocked push. */
  refused: number
}

export async function pushEscrowed(ctx: SyncContext, batchSize = PUSH_MAX_MUTATIONS): Promise<EscrowPushOutcome> {
  const out: EscrowPushOutcome = { sent: 0, accepted: new Set(), refused: 0 }
  const rows = (await readClearOutbox(ctx.db)).filter((r) => r.escrow)
  if (!rows.length) return out
  const deviceId = await getMeta(ctx.db, 'deviceId')
  if (!deviceId) throw new UnauthorizedError('请先登录 / Please log in', 'device_id_missing')
  const size = Math.max(1, Math.min(batchSize, PUSH_MAX_MUTATIONS))
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size)
    const raw = await apiRequest(ctx, { method: 'POST', path: '/api/sync/push-escrowed', json: { deviceId, items: batch.map((r) => ({ id: r.id, envelope: r.escrow })) } })
    const parsed = pushResponseSchema.safeParse(raw)
    if (!parsed.success) throw new ProtocolError('服务器的回答无法识别，请稍后重试', 'push-escrowed answer does not match the protocol')
    out.sent += batch.length
    for (const r of parsed.data.results) {
      if (r.status === 'rejected') out.refused++
      else out.accepted.add(r.mutationId)
    }
  }
  return out
}
