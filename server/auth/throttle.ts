/**
 * Login throttling (DESIGN §5) that an attacker can neither dodge nor turn on a worker.
 *
 * Failures are counted in buckets, each with its own limit within `windowMs`:
 *  - a device that logged in to the account before (and is not revoked) counts only its own
 *    failures (`perDevice`): strangers' wrong passwords never lock the worker out of their phone;
 *  - every other attempt counts per account and address (`perAccountAddress`), per address across
 *    accounts (`perAddress`: one address guessing many accounts), and per account across addresses
 *    (`perAccount`, higher: guessing spread over many addresses).
 * The address is Fastify's `request.ip`, which believes X-Forwarded-For only as far as
 * FULLGRID_TRUST_PROXY says (server/config.ts), so a forged header does not make a new address.
 *
 * An attempt is counted *before* its (slow) password check, so parallel guesses see each other;
 * a right password forgets it again, a wrong one settles it as a failure. While a bucket is full
 * of failures, logins in it answer 429 until its oldest counted failure leaves the window. A
 * bucket full only because attempts in it are still being checked is no reason to refuse: the
 * next attempt waits in line (by arrival, at most QUEUE_MS) until enough of them have answered.
 * So a burst of right passwords from one address — fifty phones behind one office NAT at 8:00,
 * or the load bench — all log in, and parallel guesses still never exceed the limit.
 */
import type { Attempt, Bucket, LoginFailureRepository } from '../repositories/loginFailures'

export interface ThrottleLimits {
  perAccountAddress: number
  perAddress: number
  perAccount: number
  perDevice: number
  windowMs: number
}

/** An attempt still unanswered after this long (its process died) counts as a failure. */
export const PENDING_MS = 30_000
/**
 * Longest an attempt waits for attempts still being checked before it is answered 429: 50 logins
 * at once from one address on a busy 2-core server (each check taking seconds there, load bench)
 * wait well under this in line.
 */
export const QUEUE_MS = 30_000

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perAccountAddress: 5,
  perAddress: 20,
  perAccount: 50,
  perDevice: 5,
  windowMs: 15 * 60 * 1000,
}

/** The buckets an attempt counts in, with their limits. */
export function bucketsOf(a: Attempt, known: boolean, limits: ThrottleLimits): { bucket: Bucket; limit: number }[] {
  if (known && a.deviceId) return [{ bucket: { username: a.username, deviceId: a.deviceId }, limit: limits.perDevice }]
  return [
    { bucket: { username: a.username, address: a.address }, limit: limits.perAccountAddress },
    { bucket: { address: a.address }, limit: limits.perAddress },
    { bucket: { username: a.username }, limit: limits.perAccount },
  ]
}

export interface Throttle {
  /** Seconds to wait before trying again; 0: the attempt may go on. */
  retryAfter(a: Attempt, known: boolean, now: number): Promise<number>
  /**
   * Counts the attempt (pending until `failed` or `succeeded`); null when the attempts before it
   * already fill a bucket with failures, or stay in flight longer than QUEUE_MS (not counted).
   */
  reserve(a: Attempt, known: boolean, now: number): Promise<string | null>
  /** The password was wrong: the attempt counts as a failure. */
  failed(attemptId: string): Promise<void>
  /** The password was right: the attempt was no failure, and the account's failures are forgiven. */
  succeeded(attemptId: string, username: string): Promise<void>
}

export function createThrottle(failures: LoginFailureRepository, limits: ThrottleLimits): Throttle {
  return {
    async retryAfter(a, known, now) {
      let until = 0
      for (const { bucket, limit } of bucketsOf(a, known, limits)) {
        // The limit-th most recent failure: while it is in the window the bucket is full, and its
        // leaving the window lets the next attempt through.
        const at = await failures.nthLatest(bucket, now - limits.windowMs, limit, now)
        if (at !== null) until = Math.max(until, at + limits.windowMs)
      }
      return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : 0
    },
    async reserve(a, known, now) {
      // The attempt keeps its row (and so its place: rows are counted by id) while it waits, so
      // attempts are let through in the order they came, and a waiting one holds later ones back.
      const started = Date.now()
      const id = await failures.record(known ? a : { ...a, deviceId: null }, now, limits.windowMs, PENDING_MS)
      for (let round = 0; ; round++) {
        // Clock of this request as it waits (tests pass a fixed `now`; real time moves on).
        const at = now + (Date.now() - started)
        let verdict: 'go' | 'wait' | 'refuse' = 'go'
        for (const { bucket, limit } of bucketsOf(a, known, limits)) {
          const { total, pending } = await failures.count(bucket, now - limits.windowMs, id, at)
          if (total < limit) continue
          verdict = total - pending >= limit ? 'refuse' : 'wait'
          if (verdict === 'refuse') break
        }
        if (verdict === 'go') return id
        if (verdict === 'refuse' || Date.now() - started >= QUEUE_MS) {
          await failures.forget(id)
          return null
        }
        // Still waiting, not dead: attempts behind this one must not count it as a failure yet.
        await failures.extend(id, at + PENDING_MS)
        // A check takes ~0.1 s on a quiet server; back off to 0.25 s so waiting costs few queries.
        await new Promise((r) => setTimeout(r, Math.min(250, 25 * 2 ** round) * (0.5 + Math.random())))
      }
    },
    async failed(attemptId) {
      await failures.settle(attemptId)
    },
    async succeeded(attemptId, username) {
      await failures.forget(attemptId)
      await failures.forgiveAccount(username)
    },
  }
}
