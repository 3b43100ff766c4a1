import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ConnectionLoop,
  DEBOUNCE_MS,
  MAX_BACKOFF_MS,
  MIN_BACKOFF_MS,
  NetworkError,
  PERIODIC_SYNC_MS,
  SyncRunner,
  UnauthorizedError,
  backoffDelay,
  installSyncTriggers,
  isRetryable,
  requestBackgroundSync,
  BACKGROUND_SYNC_TAG,
} from '@/sync'
import { household, serverAndDevice } from './sync-helpers'

/** A loop over a scripted run: each call takes the next outcome; the log reads like a timeline. */
function scripted(outcomes: ('ok' | 'net' | 'auth')[]) {
  const log: string[] = []
  const start = Date.now()
  const loop = new ConnectionLoop({
    run: async () => {
      const o = outcomes.shift() ?? 'ok'
      log.push(`run@${Date.now() - start}:${o}`)
      if (o === 'net') throw new NetworkError('offline')
      if (o === 'auth') throw new UnauthorizedError('expired')
    },
    isRetryable,
    random: () => 0.5,
    onStateChange: (s) => log.push(s),
  })
  return { loop, log }
}

describe('ConnectionLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('coalesces a burst of local writes into one run after the debounce', async () => {
    const { loop, log } = scripted(['ok'])
    loop.trigger()
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2)
    loop.trigger()
    loop.trigger()
    expect(log).toEqual(['debouncing'])
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2)
    expect(log).toEqual(['debouncing', 'running', `run@${DEBOUNCE_MS}:ok`, 'idle'])
  })

  it('backs off with doubling delays after failures and resets after a success', async () => {
    const { loop, log } = scripted(['net', 'net', 'net', 'ok', 'net'])
    await expect(loop.runNow()).rejects.toBeInstanceOf(NetworkError)
    const d1 = backoffDelay(1, () => 0.5)
    const d2 = backoffDelay(2, () => 0.5)
    const d3 = backoffDelay(3, () => 0.5)
    expect(d2).toBe(2 * d1)
    await vi.advanceTimersByTimeAsync(d1 + d2 + d3)
    expect(log.filter((l) => l.startsWith('run@'))).toEqual([
      'run@0:net',
      `run@${d1}:net`,
      `run@${d1 + d2}:net`,
      `run@${d1 + d2 + d3}:ok`,
    ])
    expect(loop.failureCount).toBe(0)
    // After the success the next failure starts again from the first delay.
    await expect(loop.runNow()).rejects.toBeInstanceOf(NetworkError)
    expect(loop.loopState).toBe('backing-off')
    expect(loop.failureCount).toBe(1)
  })

  it('does not let local writes cut a back-off short, but "sync now" runs at once', async () => {
    const { loop, log } = scripted(['net', 'ok'])
    await loop.runNow().catch(() => {})
    const wait = backoffDelay(1, () => 0.5) - 1
    loop.trigger()
    await vi.advanceTimersByTimeAsync(wait)
    expect(loop.loopState).toBe('backing-off')
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(1)
    await loop.runNow()
    expect(log.filter((l) => l.startsWith('run@'))).toEqual(['run@0:net', `run@${wait}:ok`])
    expect(loop.loopState).toBe('idle')
  })

  it('stops retrying on 401 until resumed after a login', async () => {
    const { loop, log } = scripted(['auth', 'ok'])
    await expect(loop.runNow()).rejects.toBeInstanceOf(UnauthorizedError)
    expect(loop.loopState).toBe('paused')
    loop.trigger()
    await vi.advanceTimersByTimeAsync(MAX_BACKOFF_MS)
    expect(log.filter((l) => l.startsWith('run@'))).toEqual(['run@0:auth'])
    loop.resume()
    loop.trigger()
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS)
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(2)
  })

  it('never reports success for a run that failed', async () => {
    const { loop } = scripted(['net'])
    const outcome = await loop.runNow().then(
      () => 'success',
      () => 'failure',
    )
    expect(outcome).toBe('failure')
  })

  it('keeps the back-off between its bounds, with jitter', () => {
    expect(backoffDelay(1, () => 0)).toBe(MIN_BACKOFF_MS / 2)
    expect(backoffDelay(1, () => 1)).toBe(MIN_BACKOFF_MS)
    expect(backoffDelay(50, () => 1)).toBe(MAX_BACKOFF_MS)
    expect(backoffDelay(50, () => 0)).toBe(MAX_BACKOFF_MS / 2)
  })
})

describe('triggers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('syncs at start, when the network comes back, and every minute while online', async () => {
    const { loop, log } = scripted([])
    const listeners = new Map<string, () => void>()
    let online = true
    const changes: boolean[] = []
    const remove = installSyncTriggers(loop, {
      target: { addEventListener: (t, fn) => listeners.set(t, fn), removeEventListener: (t) => listeners.delete(t) },
      isOnline: () => online,
      onOnlineChange: (o) => changes.push(o),
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(1)
    online = false
    listeners.get('offline')!()
    await vi.advanceTimersByTimeAsync(PERIODIC_SYNC_MS + DEBOUNCE_MS)
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(1)
    online = true
    listeners.get('online')!()
    await vi.advanceTimersByTimeAsync(0)
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(PERIODIC_SYNC_MS + DEBOUNCE_MS)
    expect(log.filter((l) => l.startsWith('run@'))).toHaveLength(3)
    expect(changes).toEqual([false, true])
    remove()
    expect(listeners.size).toBe(0)
  })

  it('registers Background Sync where the browser has it', async () => {
    const tags: string[] = []
    expect(await requestBackgroundSync({ sync: { register: async (t: string) => void tags.push(t) } })).toBe(true)
    expect(tags).toEqual([BACKGROUND_SYNC_TAG])
    expect(await requestBackgroundSync({})).toBe(false)
    expect(await requestBackgroundSync(undefined)).toBe(false)
  })
})

describe('SyncRunner', () => {
  it('runs one sync at a time: a second call joins the running one and gets one more pass', async () => {
    const { server, dev } = await serverAndDevice('p')
    const runner = new SyncRunner(dev.ctx, undefined)
    await dev.repo.create('households', household())
    const a = runner.sync()
    expect(runner.busy).toBe(true)
    await dev.repo.create('households', household({ room: '302' }))
    const b = runner.sync()
    expect(b).toBe(a)
    const summary = await a
    expect(summary.acknowledged).toBe(2)
    expect(await dev.db.outbox.count()).toBe(0)
    expect(server.records('households')).toHaveLength(2)
    expect(runner.busy).toBe(false)
    await dev.db.delete()
  })

  it('holds the cross-tab lock while it runs', async () => {
    const { dev } = await serverAndDevice('q')
    const held: string[] = []
    const locks = {
      request: async <T>(name: string, cb: () => Promise<T>) => {
        held.push(name)
        return cb()
      },
    }
    await new SyncRunner(dev.ctx, locks).sync()
    expect(held).toEqual(['fullgrid-sync'])
    await dev.db.delete()
  })
})

describe('ConnectionLoop follow-up', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs again after a run during which something was written', async () => {
    const { loop, log } = scripted(['ok', 'ok'])
    const first = loop.runNow()
    loop.trigger() // a write while the run is on the network
    await first
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS)
    expect(log.filter((l) => l.startsWith('run@'))).toEqual(['run@0:ok', `run@${DEBOUNCE_MS}:ok`])
  })
})
