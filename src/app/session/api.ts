/**
 * `apiFetch` for the page: every HTTP call of the app that is not the sync engine's own (login,
 * logout, me, devices, the supervisor console, Excel) goes through here. It is the engine's
 * apiFetch (src/sync/http.ts) bound to the app's database: the bearer token of the stored
 * session, the server's clock noted for the HLC, errors as SyncError subclasses whose `message`
 * a worker can read (the server's `{message}`, or 网络不可用，请检查网络后重试).
 *
 *   const list = await apiFetch<{ devices: Device[] }>('/api/devices')
 *   await apiFetch('/api/devices/x/revoke', { method: 'POST', json: { userId } })
 *   const xlsx = await apiFetch<Blob>('/api/export/households.xlsx', { responseType: 'blob' })
 */
import { appDb } from '@/db'
import { dbApiClient } from '@/sync/request'
import { apiFetch as engineFetch, type ApiRequest } from '@/sync/http'

export const API_TIMEOUT_MS = 15_000

export interface ApiOptions extends Omit<ApiRequest, 'path' | 'method'> {
  method?: ApiRequest['method']
  timeoutMs?: number
}

export function apiFetch<T = unknown>(path: string, opts: ApiOptions = {}): Promise<T> {
  const { method = opts.json !== undefined ? 'POST' : 'GET', timeoutMs = API_TIMEOUT_MS, ...rest } = opts
  const client = dbApiClient(appDb(), {
    // Looked up per call, so tests (and a polyfill) can replace the global.
    fetch: (url, init) => globalThis.fetch(url, init),
    baseUrl: '',
    timeoutMs,
    now: Date.now,
  })
  return engineFetch(client, { ...rest, method, path }) as Promise<T>
}

export { NetworkError, ServerError, UnauthorizedError, DeviceRevokedError, RequestRefusedError, ProtocolError, SyncError as ApiError } from '@/sync/errors'
