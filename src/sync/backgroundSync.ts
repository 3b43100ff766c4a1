/**
 * The service worker's Background Sync run: the same engine as the page, with the token read
 * from the stored session. A retryable failure is rethrown so the browser schedules the retry;
 * a 401 or a revoked device is left for the page to show (it must explain before wiping).
 */
import type { FullGridDb } from '../db/schema'
import { makeContext, type FetchLike } from './context'
import { DeviceRevokedError, UnauthorizedError } from './errors'
import { SyncRunner } from './SyncRunner'
import { pushEscrowed, type EscrowPushOutcome } from './pushEscrowed'
import type { SyncSummary } from './syncOnce'

export type BackgroundOutcome =
  | { ok: true; summary: SyncSummary }
  | { ok: true; escrowed: EscrowPushOutcome }
  | { ok: false; reason: 'needs-login' | 'revoked'; message: string }

export async function runBackgroundSync(db: FullGridDb, fetch: FetchLike, baseUrl = ''): Promise<BackgroundOutcome> {
  const runner = new SyncRunner(makeContext({ db, fetch, baseUrl }))
  try {
    return { ok: true, summary: await runner.sync() }
  } catch (err) {
    if (err instanceof DeviceRevokedError) return { ok: false, reason: 'revoked', message: err.message }
    if (err instanceof UnauthorizedError) return { ok: false, reason: 'needs-login', message: err.message }
    throw err
  }
}

/**
 * A phone with a PIN: the worker holds no data key, so it sends the outbox's escrow copies only
 * (pushEscrowed.ts) and deletes nothing; the page settles the rows at its next unlocked push.
 */
export async function runEscrowedBackgroundSync(db: FullGridDb, fetch: FetchLike, baseUrl = ''): Promise<BackgroundOutcome> {
  try {
    return { ok: true, escrowed: await pushEscrowed(makeContext({ db, fetch, baseUrl })) }
  } catch (err) {
    if (err instanceof DeviceRevokedError) return { ok: false, reason: 'revoked', message: err.message }
    if (err instanceof UnauthorizedError) return { ok: false, reason: 'needs-login', message: err.message }
    throw err
  }
}
