/**
 * What can go wrong talking to the server, sorted by what the sync loop does about it:
 * retry later (network, 5xx, a malformed answer), stop and ask for a login (401), stop and wipe
 * after telling the worker (device revoked), or set one mutation aside (a 4xx for a request).
 */
export abstract class SyncError extends Error {
  /** Worth retrying with back-off: the cause is the network or the server, not the request. */
  abstract readonly retryable: boolean
}

/** The request did not reach the server or its answer did not reach us (offline, timeout, reset). */
export class NetworkError extends SyncError {
  override name = 'NetworkError'
  readonly retryable = true
}

/** 5xx or 429: the server is there but cannot answer now. */
export class ServerError extends SyncError {
  override name = 'ServerError'
  readonly retryable = true
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The answer did not match the protocol (a proxy's HTML page, a truncated body). */
export class ProtocolError extends SyncError {
  override name = 'ProtocolError'
  readonly retryable = true
}

/** 401 `unauthorized`: the session expired or was logged out. The outbox is kept for after login. */
export class UnauthorizedError extends SyncError {
  override name = 'UnauthorizedError'
  readonly retryable = false
}

/** 401 `device_revoked`: an administrator stopped this device; its local data must go. */
export class DeviceRevokedError extends SyncError {
  override name = 'DeviceRevokedError'
  readonly retryable = false
}

/** Any other 4xx: the request itself is refused; retrying it unchanged will not help. */
export class RequestRefusedError extends SyncError {
  override name = 'RequestRefusedError'
  readonly retryable = false
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof SyncError ? err.retryable : true
}
