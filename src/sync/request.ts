/**
 * The engine's requests: `apiFetch` with the token of the stored session and the server's clock
 * noted in this device's database (so the next HLC stamp is near the server's time).
 */
import { noteServerTime } from '../db/clock'
import { getMeta } from '../db/meta'
import type { FullGridDb } from '../db/schema'
import type { FetchLike, SyncContext } from './context'
import { apiFetch, type ApiClient, type ApiRequest } from './http'

/** An ApiClient over a device database: token from its session, clock offset into its meta. */
export function dbApiClient(db: FullGridDb, opts: { fetch: FetchLike; baseUrl: string; timeoutMs: number; now: () => number }): ApiClient {
  return {
    ...opts,
    token: async () => (await getMeta(db, 'session'))?.token,
    onServerTime: (serverMs, localMs) => noteServerTime(db, serverMs, localMs),
  }
}

export function apiRequest(ctx: SyncContext, req: ApiRequest): Promise<unknown> {
  return apiFetch(dbApiClient(ctx.db, ctx), req)
}
