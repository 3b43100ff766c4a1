/**
 * The load bench (bench/load.ts) in miniature, so it keeps working between the times someone runs
 * it in full: 5 workers with their own accounts and devices log in and do their morning (first
 * sync, push 20 visits and a patrol track, pull again) against one real server process on the
 * embedded database; every pushed record must be on the server exactly once, with no error.
 */
import { describe, expect, it, vi } from 'vitest'
import { benchLoad } from '../../bench/load'

describe('load bench smoke: 5 workers, 1 process, PGlite', () => {
  it('every morning succeeds and every pushed record is stored exactly once', async () => {
    // The bench's progress lines go to stderr; the test's own failure message says what matters.
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const report = await benchLoad({ workers: 5, processes: [], pglite: true, households: 300, concurrency: 5, timeoutS: 60 })
    expect(report.runs).toHaveLength(1)
    const run = report.runs[0]
    expect(run.errors, JSON.stringify([run.logins.errorSamples, run.mornings.errorSamples])).toBe(0)
    expect(run.mornings.done).toBe(5)
    expect(run.exactlyOnce).toMatchObject({ pass: true, missing: 0, duplicated: 0, pushedRecords: 5 * 27, mutationsPushed: 5 * 28 })
    expect(run.mornings.firstSync.householdsPerWorker.min).toBeGreaterThan(0)
  })
})
