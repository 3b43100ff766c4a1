/**
 * The server's escrow public key (issue 19, src/domain/escrow.ts) for the unlocked page: fetched
 * once per page load (a server database made again has a new key) into a clear meta row, then
 * this unlock's escrow session is opened with it, so the writes also queue a copy a locked phone
 * can send (pushEscrowed.ts).
 */
import { isUnlocked } from '../db/crypto/keyring'
import { getMeta, setMeta } from '../db/meta'
import { startEscrowSession } from '../db/sync'
import { escrowKeyResponseSchema } from '../domain/escrow'
import type { SyncContext } from './context'
import { NetworkError } from './errors'
import { apiRequest } from './request'

let checkedThisLoad = false

/** Never fails the sync: offline, or an older server without the endpoint, just leaves escrow off. */
export async function ensureEscrowKey(ctx: SyncContext): Promise<void> {
  // Only an unlocked phone makes escrow copies (a phone without a PIN syncs in the worker as it is).
  if (!isUnlocked()) return
  try {
    const known = await getMeta(ctx.db, 'escrowKey')
    if (!checkedThisLoad) {
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
