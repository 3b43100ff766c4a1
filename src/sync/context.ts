/**
 * What the engine needs from its host, injected so the same code runs in the page, in the
 * service worker and in tests (where `fetch` is a fake server or `app.inject` with faults).
 */
import type { FullGridDb } from '../db/schema'
import { PULL_MAX_LIMIT } from '../domain/sync'

/** The part of a fetch Response the engine reads. */
export interface ResponseLike {
  status: number
  json(): Promise<unknown>
  /** The `Date` header corrects the phone's clock (src/db/clock.ts); absent in some fakes. */
  headers?: { get(name: string): string | null }
  blob?(): Promise<Blob>
}

export interface RequestInitLike {
  method: string
  headers: Record<string, string>
  body?: string | Blob | FormData
  signal?: AbortSignal
}

export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>

export interface SyncProgress {
  phase: 'pushing' | 'pulling'
  /** Mutations sent (pushing) or records received (pulling) so far in this run. */
  done: number
  /** Known only when the server says how many remain; the UI shows a bar only then or counts up. */
  total?: number
  /** True while pulling into a phone that had no cursor yet: the first download. */
  firstSync: boolean
  /**
   * Pushing: entries left in the outbox when this batch's answer was stored (read in that same
   * transaction), so 待同步 N 条 drops as soon as the server has acknowledged a batch.
   */
  pending?: number
}

export interface SyncContext {
  db: FullGridDb
  fetch: FetchLike
  /** Origin of the API, '' for same-origin. */
  baseUrl: string
  /** Local clock in ms (injected for tests). */
  now: () => number
  /** A request that takes longer than this counts as failed (never as success). */
  timeoutMs: number
  /** Page size asked of the pull endpoint. */
  pullLimit: number
  onProgress?: (p: SyncProgress) => void
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

export function makeContext(base: Pick<SyncContext, 'db' | 'fetch'> & Partial<SyncContext>): SyncContext {
  return {
    baseUrl: '',
    now: Date.now,
    timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    // The most the server hands out (PULL_MAX_LIMIT; it also caps a page at ~4 MB of JSON): a first
    // download of a street office in few requests (DESIGN §6 goal ≤ 10).
    pullLimit: PULL_MAX_LIMIT,
    ...base,
  }
}
