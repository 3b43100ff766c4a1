/**
 * One request to the API: bearer token from the stored session, a timeout, and the answer
 * classified into the errors of ./errors. Everything else in the engine only sees parsed JSON.
 */
import { getMeta } from '../db/meta'
import type { SyncContext } from './context'
import {
  DeviceRevokedError,
  NetworkError,
  ProtocolError,
  RequestRefusedError,
  ServerError,
  UnauthorizedError,
} from './errors'

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT'
  path: string
  json?: unknown
  blob?: Blob
}

const REFUSED_STATUSES = new Set([400, 413, 415, 422])

export async function apiRequest(ctx: SyncContext, req: ApiRequest): Promise<unknown> {
  const session = await getMeta(ctx.db, 'session')
  // No session at all is the same situation as an expired one: ask for a login, keep the outbox.
  if (!session?.token) throw new UnauthorizedError('not logged in')
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}` }
  let body: string | Blob | undefined
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(req.json)
  } else if (req.blob) {
    headers['content-type'] = req.blob.type || 'application/octet-stream'
    body = req.blob
  }

  const controller = typeof AbortController === 'function' ? new AbortController() : undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort()
      reject(new NetworkError(`no answer within ${ctx.timeoutMs} ms`))
    }, ctx.timeoutMs)
  })
  try {
    const res = await Promise.race([
      ctx.fetch(ctx.baseUrl + req.path, { method: req.method, headers, body, signal: controller?.signal }).catch((err: unknown) => {
        throw err instanceof NetworkError ? err : new NetworkError(err instanceof Error ? err.message : String(err))
      }),
      timeout,
    ])
    const payload = await Promise.race([res.json().catch(() => undefined), timeout])
    if (res.status >= 200 && res.status < 300) {
      if (payload === undefined) throw new ProtocolError(`${req.path}: answer is not JSON`)
      return payload
    }
    const { code, message } = errorOf(payload, res.status)
    if (res.status === 401) {
      if (code === 'device_revoked') throw new DeviceRevokedError(message)
      throw new UnauthorizedError(message)
    }
    // Only these say "the content of this request is wrong" — the push then looks for the bad
    // mutation and parks it in 需处理. Any other answer (a proxy's 403/404 during a deploy, an
    // older server without the route, 5xx, 429) says nothing about the records: keep them queued
    // and try again later, never move a whole outbox to 需处理 over it.
    if (REFUSED_STATUSES.has(res.status)) throw new RequestRefusedError(res.status, code, message)
    throw new ServerError(res.status, message)
  } finally {
    clearTimeout(timer)
  }
}

function errorOf(payload: unknown, status: number): { code: string; message: string } {
  const p = (payload ?? {}) as { error?: unknown; message?: unknown }
  const code = typeof p.error === 'string' ? p.error : `http_${status}`
  const message = typeof p.message === 'string' ? p.message : code
  return { code, message }
}
