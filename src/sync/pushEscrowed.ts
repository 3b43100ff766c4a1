/**
 * The locked phone's push (issue 19): the outbox's escrow copies (src/db/escrow.ts), read without
 * the data key, to `POST /api/sync/push-escrowed`. The server opens each, checks it with push's
 * schema and judges it with push's judge, so a mutation it accepts here is answered `duplicate`
 * when the unlocked page pushes the same id later, and settlePush clears the row then. Nothing
 * is deleted here: the page's normal push stays the one place the outbox is settled.
 *
 * Also `ensureEscrowKey`: the page's sync fetches the server's escrow public key once per load
 * (a clear meta row) and opens this unlock's escrow session with it.
 */
import { getMeta, setMeta } from '../db/meta'
import { isUnlocked } from '../db/crypto/keyring'
import { readClearOutbox, startEscrowSession } from '../db/sync'
import { escrowKeyResponseSchema } from '../domain/escrow'
import { PUSH_MAX_MUTATIONS, pushResponseSchema } from '../domain/sync'
import type { SyncContext } from './context'
import { NetworkError, ProtocolError, UnauthorizedError } from './errors'
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

let checkedThisLoad = false

/**
 * The server's escrow key, fetched once per page load (a new server database has a new key) and
 * kept as a clear meta row; then this unlock's session is opened if the phone is unlocked. Never
 * fails the sync: an older server without the endpoint just leaves escrow off.
 */
export async function ensureEscrowKey(ctx: SyncContext): Promise<void> {
  // Only an unlocked phone makes escrow copies (a phone without a PIN syncs in the worker as it is).
  if (!isUnlocked()) return
  try {
    const known = await getMeta(ctx.db, 'escrowKey')
    if (!known || !checkedThisLoad) {
      let answer: unknown = null
      try {
        answer = await apiRequest(ctx, { method: 'GET', path: '/api/sync/escrow-key' })
      } catch (err) {
        // No answer: ask again at the next sync. Any answer (an older server's 404): not again this load.
        if (!(err instanceof NetworkError)) checkedThisLoad = true
        throw err
      }
      checkedThisLoad = true
      const parsed = escrowKeyResponseSchema.safeParse(answer)
      if (parsed.success && parsed.data.kid !== known?.kid) await setMeta(ctx.db, 'escrowKey', parsed.data)
    }
    await startEscrowSession(ctx.db)
  } catch {
    // Offline, logged out, an older server: the rows wait for the unlock, as before.
  }
}
