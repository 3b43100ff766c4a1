/**
 * The device's hybrid logical clock, kept in meta (DESIGN §4 "HLC"). One function makes the next
 * stamp (the Repository for every local write, a retried rejection) and one moves the clock past
 * stamps received from the server (a pull page); both run inside the caller's transaction, so
 * two tabs never issue the same stamp.
 *
 * The wall-clock part is the phone's clock corrected by the server's: every answer's `Date`
 * header gives the server's time, and the difference is kept as `clockOffset`. A phone whose
 * clock is a day ahead would otherwise stamp a day ahead, win every last-writer-wins race and be
 * refused by the server (more than 10 minutes in its future).
 */
import { Hlc } from '../domain/hlc'
import { getMeta, setMeta } from './meta'
import type { FullGridDb } from './schema'

/**
 * A `Date` header has whole seconds: the server's time is somewhere in the second it names. A
 * correction smaller than this is noise and is not stored (it would only churn the meta row).
 */
export const CLOCK_RESOLUTION_MS = 1_000

/** Local time corrected by the last known offset to the server's clock. */
export async function correctedNow(db: FullGridDb, now: () => number): Promise<number> {
  return now() + ((await getMeta(db, 'clockOffset')) ?? 0)
}

async function deviceClock(db: FullGridDb, now: () => number): Promise<Hlc> {
  const deviceId = await getMeta(db, 'deviceId')
  if (!deviceId) throw new Error('device id missing: call ensureDeviceId() at start-up')
  const offset = (await getMeta(db, 'clockOffset')) ?? 0
  return new Hlc(deviceId, () => now() + offset, await getMeta(db, 'hlc'))
}

/** The next stamp of this device; call inside a read-write transaction that includes `meta`. */
export async function nextStamp(db: FullGridDb, now: () => number): Promise<string> {
  const clock = await deviceClock(db, now)
  const stamp = clock.now()
  await setMeta(db, 'hlc', stamp)
  return stamp
}

/** Moves the clock past a received stamp (no-op without a device id, e.g. before the first login). */
export async function receiveStamp(db: FullGridDb, stamp: string, now: () => number): Promise<void> {
  if (!(await getMeta(db, 'deviceId'))) return
  const clock = await deviceClock(db, now)
  clock.receive(stamp)
  await setMeta(db, 'hlc', clock.current())
}

/**
 * Notes the server's time from an answer's `Date` header (`serverMs`), read when the answer
 * arrived (`localMs`). The header is truncated to the second, so the middle of that second is
 * the best estimate.
 */
export async function noteServerTime(db: FullGridDb, serverMs: number, localMs: number): Promise<number> {
  const offset = Math.round(serverMs + CLOCK_RESOLUTION_MS / 2 - localMs)
  const previous = (await getMeta(db, 'clockOffset')) ?? 0
  if (Math.abs(offset - previous) < CLOCK_RESOLUTION_MS) return previous
  await setMeta(db, 'clockOffset', offset)
  return offset
}
