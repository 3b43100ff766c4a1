/**
 * Pulls the server's changes by cursor until `hasMore` is false. Each page is applied in one
 * transaction together with its cursor (src/db/sync.ts applyPullPage), so an interrupted first
 * download resumes at the page where it stopped instead of starting again.
 */
import { applyPullPage, getCursor } from '../db/sync'
import { pullResponseSchema } from '../domain/sync'
import type { SyncContext } from './context'
import { ProtocolError, RequestRefusedError } from './errors'
import { apiRequest } from './http'

export interface PullOutcome {
  received: number
  pages: number
  firstSync: boolean
}

export async function pullChanges(ctx: SyncContext): Promise<PullOutcome> {
  let cursor = await getCursor(ctx.db)
  const firstSync = !cursor
  const out: PullOutcome = { received: 0, pages: 0, firstSync }
  let restarted = false
  for (;;) {
    const query = new URLSearchParams({ limit: String(ctx.pullLimit) })
    if (cursor) query.set('cursor', cursor)
    let raw: unknown
    try {
      raw = await apiRequest(ctx, { method: 'GET', path: `/api/sync/pull?${query}` })
    } catch (err) {
      // A cursor the server no longer understands (another server version, a restored backup):
      // start from the beginning once rather than never syncing again.
      if (err instanceof RequestRefusedError && err.status === 400 && cursor && !restarted) {
        restarted = true
        cursor = undefined
        continue
      }
      throw err
    }
    const parsed = pullResponseSchema.safeParse(raw)
    if (!parsed.success) throw new ProtocolError('pull answer does not match the protocol')
    const page = parsed.data
    if (page.hasMore && page.changes.length === 0 && page.cursor === cursor) {
      throw new ProtocolError('pull cursor did not move')
    }
    await applyPullPage(ctx.db, page.changes, page.cursor, ctx.now)
    out.received += page.changes.length
    out.pages += 1
    const remaining = (raw as { remaining?: unknown }).remaining
    ctx.onProgress?.({
      phase: 'pulling',
      done: out.received,
      total: typeof remaining === 'number' ? out.received + remaining : undefined,
      firstSync,
    })
    cursor = page.cursor
    if (!page.hasMore) return out
  }
}
