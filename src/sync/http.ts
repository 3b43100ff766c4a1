/**
 * `apiFetch`: the one HTTP client of the app (sync push, pull and blobs here; login, logout, me,
 * devices, the supervisor console and Excel through src/app/session/api.ts). DOM-free, so the
 * service worker runs it too. For every request it:
 *   - sets the bearer token (unless the call is anonymous, e.g. the login itself);
 *   - counts a request with no answer within the timeout as failed, never as sent;
 *   - notes the server's clock from the answer's `Date` header (the phone's HLC uses it);
 *   - takes JSON, a Blob or FormData (uploads) as the body, and any method the API uses (PATCH too);
 *   - parses the answer (JSON, a Blob for downloads, null for 204) and sorts failures into the
 *     errors of ./errors, with messages a worker reads: the server's own `{error, message}`, or
 *     网络不可用，请检查网络后重试 when there is no answer at all — never the browser's "Failed to fetch".
 */
import {
  DeviceRevokedError,
  NETWORK_UNAVAILABLE,
  NetworkError,
  ProtocolError,
  RequestRefusedError,
  ServerError,
  UnauthorizedError,
} from './errors'
import type { FetchLike } from './context'

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  json?: unknown
  blob?: Blob
  /** Multipart upload; sent without a content-type header so the browser adds the boundary. */
  form?: FormData
  /** 'blob' for downloads (Excel, photos); JSON otherwise. */
  responseType?: 'json' | 'blob'
  /** False for calls made without a session (login). */
  auth?: boolean
}

export interface ApiClient {
  fetch: FetchLike
  /** Origin of the API, '' for same-origin. */
  baseUrl: string
  timeoutMs: number
  now: () => number
  /** The session's bearer token; undefined when there is none. */
  token(): Promise<string | undefined>
  /** The server's time (from `Date`) and the local time the answer arrived. */
  onServerTime?(serverMs: number, localMs: number): Promise<unknown> | void
}

const REFUSED_STATUSES = new Set([400, 413, 415, 422])

export async function apiFetch(client: ApiClient, req: ApiRequest): Promise<unknown> {
  const headers: Record<string, string> = {}
  if (req.auth !== false) {
    const token = await client.token()
    // No session at all is the same situation as an expired one: ask for a login, keep the outbox.
    if (!token) throw new UnauthorizedError('请先登录 / Please log in', 'unauthorized')
    headers.authorization = `Bearer ${token}`
  }
  let body: string | Blob | FormData | undefined
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(req.json)
  } else if (req.blob) {
    headers['content-type'] = req.blob.type || 'application/octet-stream'
    body = req.blob
  } else if (req.form) {
    // No content-type of our own: only the runtime knows the multipart boundary it writes.
    body = req.form
  }

  const controller = typeof AbortController === 'function' ? new AbortController() : undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort()
      reject(new NetworkError(`${NETWORK_UNAVAILABLE}（服务器 ${Math.max(1, Math.ceil(client.timeoutMs / 1000))} 秒内没有回应）`, `no answer within ${client.timeoutMs} ms`))
    }, client.timeoutMs)
  })
  try {
    const res = await Promise.race([
      client.fetch(client.baseUrl + req.path, { method: req.method, headers, body, signal: controller?.signal }).catch((err: unknown) => {
        throw err instanceof NetworkError ? err : new NetworkError(NETWORK_UNAVAILABLE, err instanceof Error ? err.message : String(err))
      }),
      timeout,
    ])
    const date = res.headers?.get('date')
    const serverMs = date ? Date.parse(date) : NaN
    if (Number.isFinite(serverMs)) await client.onServerTime?.(serverMs, client.now())

    const ok = res.status >= 200 && res.status < 300
    if (ok && req.responseType === 'blob') {
      if (!res.blob) throw new ProtocolError('服务器的回答无法识别，请稍后重试', `${req.path}: no body`)
      return await Promise.race([res.blob(), timeout])
    }
    // 204 says "done, nothing to tell": a success without a body, not an unreadable answer.
    if (res.status === 204) return null
    const payload = await Promise.race([res.json().catch(() => undefined), timeout])
    if (ok) {
      if (payload === undefined) throw new ProtocolError('服务器的回答无法识别，请稍后重试', `${req.path}: answer is not JSON`)
      return payload
    }
    const { code, message } = errorOf(payload, res.status)
    if (res.status === 401) {
      if (code === 'device_revoked') throw new DeviceRevokedError(message, code)
      throw new UnauthorizedError(message, code)
    }
    // Only these say "the content of this request is wrong" — the push then looks for the bad
    // mutation and parks it in 需处理. Any other answer (a proxy's 403/404 during a deploy, an
    // older server without the route, 5xx, 429) says nothing about the records: keep them queued
    // and try again later, never move a whole outbox to 需处理 over it.
    if (REFUSED_STATUSES.has(res.status)) throw new RequestRefusedError(res.status, code, message)
    throw new ServerError(res.status, message, code)
  } finally {
    clearTimeout(timer)
  }
}

function errorOf(payload: unknown, status: number): { code: string; message: string } {
  const p = (payload ?? {}) as { error?: unknown; message?: unknown }
  const code = typeof p.error === 'string' ? p.error : `http_${status}`
  const message = typeof p.message === 'string' && p.message ? p.message : `服务器暂时无法处理（HTTP ${status}），请稍后重试`
  return { code, message }
}
