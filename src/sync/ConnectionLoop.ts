/**
 * When to run a sync: debounced after local writes, at once for "立即同步" and on reconnect,
 * and again after failures with doubling back-off and jitter that resets on success.
 *
 *   idle ──trigger()──▶ debouncing ──DEBOUNCE_MS──▶ running
 *   idle ──runNow()───────────────────────────────▶ running
 *   running ──ok───────────────────────────────────▶ idle            (failures = 0)
 *   running ──retryable error───▶ backing-off ──backoffDelay(failures)──▶ running
 *   running ──401 / revoked─────▶ paused          (resume() → idle, e.g. after a login)
 *   any ──stop()────────────────▶ stopped          (start() → idle)
 *
 * trigger() while running asks for one more debounced run after it (the write may have come
 * after the run's last look at the outbox); trigger() while backing off keeps the back-off timer (writes must not hammer a sick server);
 * runNow() always runs at once (a person asked, or the network just came back).
 */
export const DEBOUNCE_MS = 2_000
export const MIN_BACKOFF_MS = 2_000
export const MAX_BACKOFF_MS = 5 * 60_000
/** How often to sync while online with nothing else happening. */
export const PERIODIC_SYNC_MS = 60_000

/** Delay before retry number `failures` (1-based): doubling, capped, with "equal jitter". */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(exp / 2 + (random() * exp) / 2)
}

export type LoopState = 'idle' | 'debouncing' | 'running' | 'backing-off' | 'paused' | 'stopped'

export interface ConnectionLoopDelegate {
  run(): Promise<unknown>
  /** Retry later (network, 5xx) or stop until resume() (401, revoked). */
  isRetryable(err: unknown): boolean
  onStateChange?(state: LoopState): void
  random?: () => number
  /** DEBOUNCE_MS unless told (tests). */
  debounceMs?: number
}

export class ConnectionLoop {
  private state: LoopState = 'idle'
  private timer: ReturnType<typeof setTimeout> | null = null
  private failures = 0
  private current: Promise<void> | null = null
  private followUp = false

  constructor(private readonly delegate: ConnectionLoopDelegate) {}

  get loopState(): LoopState {
    return this.state
  }

  get failureCount(): number {
    return this.failures
  }

  /** Something changed locally: sync soon, coalescing bursts of writes. */
  trigger(): void {
    // A write during a run may come after the run's last look at the outbox: run again after it.
    if (this.state === 'running') this.followUp = true
    if (this.state !== 'idle') return
    this.schedule(this.delegate.debounceMs ?? DEBOUNCE_MS, 'debouncing')
  }

  /** Sync now; resolves when that run succeeded, rejects with its error (never a false success). */
  runNow(): Promise<void> {
    if (this.state === 'stopped') return Promise.reject(new Error('sync stopped'))
    this.clearTimer()
    return this.runOnce()
  }

  /** Leave paused (after a new login) or stopped. */
  resume(): void {
    if (this.state === 'paused' || this.state === 'stopped') this.setState('idle')
    this.failures = 0
  }

  stop(): void {
    this.clearTimer()
    this.setState('stopped')
  }

  private runOnce(): Promise<void> {
    // A run already going answers this call too (the runner folds in a further pass).
    if (this.current) return this.current
    this.setState('running')
    this.followUp = false
    const run = (async () => {
      try {
        await this.delegate.run()
        this.failures = 0
        if (this.state === 'running') this.setState('idle')
        if (this.followUp && this.state === 'idle') this.schedule(this.delegate.debounceMs ?? DEBOUNCE_MS, 'debouncing')
      } catch (err) {
        if (this.state === 'stopped') throw err
        if (this.delegate.isRetryable(err)) {
          this.failures += 1
          this.schedule(backoffDelay(this.failures, this.delegate.random), 'backing-off')
        } else {
          this.setState('paused')
        }
        throw err
      } finally {
        this.current = null
      }
    })()
    this.current = run
    return run
  }

  private schedule(ms: number, state: LoopState): void {
    this.clearTimer()
    this.setState(state)
    this.timer = setTimeout(() => {
      this.timer = null
      // Failures are reported through the state and the next back-off, not as unhandled rejections.
      this.runOnce().catch(() => {})
    }, ms)
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private setState(s: LoopState): void {
    if (this.state === s) return
    this.state = s
    this.delegate.onStateChange?.(s)
  }
}
