/**
 * One sync at a time. A call while a run is going joins it (and asks it for one more pass, so
 * a write made just before "立即同步" is included in the answer); across tabs and the service
 * worker, navigator.locks serialises runs where the browser offers it.
 */
import type { SyncContext } from './context'
import { syncOnce, type SyncSummary } from './syncOnce'

export const SYNC_LOCK_NAME = 'fullgrid-sync'

interface LockManagerLike {
  request<T>(name: string, cb: () => Promise<T>): Promise<T>
}

export class SyncRunner {
  private running: Promise<SyncSummary> | null = null
  private again = false

  constructor(
    private readonly ctx: SyncContext,
    private readonly locks: LockManagerLike | undefined = defaultLocks(),
  ) {}

  get busy(): boolean {
    return this.running !== null
  }

  sync(): Promise<SyncSummary> {
    if (this.running) {
      this.again = true
      return this.running
    }
    const run = this.withLock(async () => {
      let total: SyncSummary | null = null
      do {
        this.again = false
        const s = await syncOnce(this.ctx)
        total = total
          ? { ...s, acknowledged: total.acknowledged + s.acknowledged, rejected: total.rejected + s.rejected, received: total.received + s.received, rounds: total.rounds + s.rounds }
          : s
      } while (this.again)
      return total
    })
    this.running = run.finally(() => {
      this.running = null
    })
    return this.running
  }

  private withLock<T>(body: () => Promise<T>): Promise<T> {
    return this.locks ? this.locks.request(SYNC_LOCK_NAME, body) : body()
  }
}

function defaultLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined
}
