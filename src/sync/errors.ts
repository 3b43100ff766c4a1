/**
 * What can go wrong talking to the server, sorted by what the caller does about it: retry later
 * (network, 5xx, a malformed answer), stop and ask for a login (401), stop and wipe after telling
 * the worker (device revoked), or set one mutation aside (a 4xx for a request).
 *
 * `message` is what a person reads (Chinese first: the server's message, or ours when there was
 * no answer); `code` is the server's error code; `detail` is the technical cause, for logs.
 */
export const NETWORK_UNAVAILABLE = '网络不可用，请检查网络后重试'

export abstract class SyncError extends Error {
  /** Worth retrying with back-off: the cause is the network or the server, not the request. */
  abstract readonly retryable: boolean
  readonly code: string
  readonly detail: string
  constructor(message: string, code = '', detail = '') {
    super(message)
    this.code = code
    this.detail = detail || message
  }
}

/** The request did not reach the server or its answer did not reach us (offline, timeout, reset). */
export class NetworkError extends SyncError {
  override name = 'NetworkError'
  readonly retryable = true
  constructor(message: string = NETWORK_UNAVAILABLE, detail = '') {
    super(message, 'network', detail)
  }
}

/** 5xx, 429 and other answers that say nothing about the request's content: try again later. */
export class ServerError extends SyncError {
  override name = 'ServerError'
  readonly retryable = true
  constructor(
    readonly status: number,
    message: string,
    code = `http_${status}`,
  ) {
    super(message, code)
  }
}

/** The answer did not match the protocol (a proxy's HTML page, a truncated body). */
export class ProtocolError extends SyncError {
  override name = 'ProtocolError'
  readonly retryable = true
  constructor(message: string, detail = '') {
    super(message, 'protocol', detail)
  }
}

/** 401 `unauthorized` (or wrong credentials at login): the outbox is kept for after login. */
export class UnauthorizedError extends SyncError {
  override name = 'UnauthorizedError'
  readonly retryable = false
  constructor(message: string, code = 'unauthorized') {
    super(message, code)
  }
}

/** 401 `device_revoked`: an administrator stopped this device; its local data must go. */
export class DeviceRevokedError extends SyncError {
  override name = 'DeviceRevokedError'
  readonly retryable = false
  constructor(message: string, code = 'device_revoked') {
    super(message, code)
  }
}

/** Any other 4xx about the content: the request itself is refused; retrying it unchanged will not help. */
export class RequestRefusedError extends SyncError {
  override name = 'RequestRefusedError'
  readonly retryable = false
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(message, code)
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof SyncError ? err.retryable : true
}
