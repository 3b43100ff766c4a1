/**
 * Pulls the server's changes by cursor until `hasMore` is false. Each page is applied in one
 * transaction together with its cursor (src/db/sync.ts applyPullPage), so an interrupted first
 * download resumes at the page where it stopped instead of starting again.
 */
import { applyPullPage, getCursor } from '../db/sync'
import { parsePullResponse, type PullChange } from '../domain/sync'
import type { SyncContext } from './context'
import { ProtocolError, RequestRefusedError } from './errors'
import { apiRequest } from './request'

export interface PullOutcome {
  received: number
  pages: number
  firstSync: boolean
}

export async function pullChanges(ctx: SyncContext): Promise<PullOutcome> {
  let cursor = await getCursor(ctx.db)
  let firstSync = !cursor
  const out: PullOutcome = { received: 0, pages: 0, firstSync }
  let restarted = false
  // The next page is asked for while this one is written to IndexedDB: the server and the network
  // work while the phone writes. A prefetched page is only applied after the page before it, and
  // each page carries its own cursor, so an interruption still resumes at the last applied page.
  let next: Promise<unknown> | null = null
  let total: number | undefined
  for (;;) {
    let raw: unknown
    try {
      raw = await (next ?? fetchPage(ctx, cursor))
    } catch (err) {
      // A cursor the server no longer understands (another server version, a restored backup):
      // start from the beginning once rather than never syncing again.
      if (err instanceof RequestRefusedError && err.status === 400 && cursor && !restarted) {
        restarted = true
        cursor = undefined
        next = null
        continue
      }
      throw err
    }
    next = null
    const parsed = parsePullResponse(raw)
    if (!parsed.success) throw new ProtocolError('服务器的回答无法识别，请稍后重试', 'pull answer does not match the protocol')
    const page = parsed.data
    if (page.hasMore && page.changes.length === 0 && page.cursor === cursor) {
      throw new ProtocolError('服务器的回答无法识别，请稍后重试', 'pull cursor did not move')
    }
    if (page.hasMore) {
      next = fetchPage(ctx, page.cursor)
      // Its failure is reported when it is awaited; until then it must not count as unhandled.
      next.catch(() => {})
    }
    // The server could not answer the cursor (restored backup, pruned removals): a download from
    // the start that replaces what the phone synced, keeping its outbox — shown as a first download.
    if (page.reset) out.firstSync = firstSync = true
    // Records and removals alike, in one transaction with the cursor (src/db/applyPullPage.ts).
    await applyPullPage(ctx.db, page.changes as PullChange[], page.cursor, ctx.now, { reset: page.reset })
    out.received += page.changes.length
    out.pages += 1
    // The server says how much is coming only with the first page; the total then stays.
    if (page.remaining !== undefined) total = out.received + page.remaining
    ctx.onProgress?.({ phase: 'pulling', done: out.received, total: total && Math.max(total, out.received), firstSync })
    cursor = page.cursor
    if (!page.hasMore) return out
  }
}

function fetchPage(ctx: SyncContext, cursor: string | undefined): Promise<unknown> {
  const query = new URLSearchParams({ limit: String(ctx.pullLimit) })
  if (cursor) query.set('cursor', cursor)
  return apiRequest(ctx, { method: 'GET', path: `/api/sync/pull?${query}` })
}
