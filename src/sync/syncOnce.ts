/**
 * One sync run. Step by step:
 *
 *   1. push   — drain the outbox in batches (photos first); delete only what the server
 *               acknowledged, move rejections to 需处理 (pushOutbox.ts).
 *   2. pull   — page by page from the saved cursor until hasMore=false; each page, its pending
 *               outbox replay and its cursor in one transaction (pullChanges.ts).
 *   3. again? — if the worker wrote while we were on the network, the outbox holds entries this
 *               run never tried: go back to 1 (a bounded number of rounds, so a busy phone still
 *               finishes a run and reports it).
 *   4. done   — only now is lastSyncAt written. Any failure above throws instead, so the UI
 *               never calls a run that timed out or failed a success.
 */
import { listOutbox, setLastSyncAt } from '../db/sync'
import type { SyncContext } from './context'
import { pullChanges } from './pullChanges'
import { pushOutbox } from './pushOutbox'
import { ensureEscrowKey } from './ensureEscrowKey'

export const MAX_ROUNDS = 5

export interface SyncSummary {
  acknowledged: number
  rejected: number
  received: number
  rounds: number
  finishedAt: number
}

export async function syncOnce(ctx: SyncContext): Promise<SyncSummary> {
  const summary: SyncSummary = { acknowledged: 0, rejected: 0, received: 0, rounds: 0, finishedAt: 0 }
  // The server's escrow key, so the writes of this unlock also queue a copy a locked phone can send.
  await ensureEscrowKey(ctx)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    summary.rounds += 1
    const pushed = await pushOutbox(ctx)
    summary.acknowledged += pushed.acknowledged
    summary.rejected += pushed.rejected
    const pulled = await pullChanges(ctx)
    summary.received += pulled.received
    const fresh = (await listOutbox(ctx.db)).some((e) => !pushed.tried.has(e.id))
    if (!fresh) break
  }
  summary.finishedAt = ctx.now()
  await setLastSyncAt(ctx.db, summary.finishedAt)
  return summary
}
