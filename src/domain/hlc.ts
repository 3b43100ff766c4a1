/**
 * Hybrid logical clock (DESIGN §4). A stamp is one string that sorts in time order:
 * `<wall ms, 15 digits>-<counter, 5 digits>-<device id>`, e.g. `001763880000000-00000-d7f3a`.
 * Comparing two stamps is plain string comparison.
 */
export const DEVICE_ID_RE = /^[A-Za-z0-9_-]{1,64}$/
export const HLC_RE = /^(\d{15})-(\d{5})-([A-Za-z0-9_-]{1,64})$/
export const MAX_COUNTER = 99_999
/**
 * The server rejects stamps more than this far in its future (DESIGN §4). Small on purpose: a
 * stamp far ahead wins every last-writer-wins race and drags every phone's clock forward; phones
 * correct their wall clock by the server's `Date`, so an honest phone stays well inside it.
 */
export const MAX_FUTURE_DRIFT_MS = 10 * 60 * 1000

export interface HlcParts {
  wall: number
  counter: number
  node: string
}

export function formatHlc({ wall, counter, node }: HlcParts): string {
  return `${String(wall).padStart(15, '0')}-${String(counter).padStart(5, '0')}-${node}`
}

export function parseHlc(stamp: string): HlcParts {
  const m = HLC_RE.exec(stamp)
  if (!m) throw new Error(`invalid HLC stamp: ${stamp}`)
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3] }
}

export function isHlc(stamp: unknown): stamp is string {
  return typeof stamp === 'string' && HLC_RE.test(stamp)
}

export function maxHlc(a: string, b: string): string {
  return a >= b ? a : b
}

/**
 * A device's clock. `now()` stamps a local event; `receive()` moves the clock past a remote stamp
 * so the next local event sorts after everything this device has seen. A wall clock that jumps
 * backwards never makes stamps go backwards: the logical part carries on from the last stamp.
 */
export class Hlc {
  private wall: number
  private counter: number

  constructor(
    readonly node: string,
    private readonly clock: () => number = Date.now,
    last?: string,
  ) {
    if (!DEVICE_ID_RE.test(node)) throw new Error(`invalid device id for HLC: ${node}`)
    const parts = last ? parseHlc(last) : { wall: 0, counter: 0 }
    this.wall = parts.wall
    this.counter = parts.counter
  }

  now(): string {
    const physical = this.clock()
    if (physical > this.wall) {
      this.wall = physical
      this.counter = 0
    } else {
      this.bump()
    }
    return this.current()
  }

  receive(remote: string): void {
    const r = parseHlc(remote)
    const physical = this.clock()
    const wall = Math.max(this.wall, r.wall, physical)
    if (wall === this.wall && wall === r.wall) this.counter = Math.max(this.counter, r.counter) + 1
    else if (wall === this.wall) this.counter += 1
    else if (wall === r.wall) this.counter = r.counter + 1
    else this.counter = 0
    this.wall = wall
    if (this.counter > MAX_COUNTER) this.bump()
  }

  /** The last stamp issued or received; persist it so a restart never reuses a stamp. */
  current(): string {
    return formatHlc({ wall: this.wall, counter: this.counter, node: this.node })
  }

  private bump(): void {
    this.counter += 1
    // The counter has five digits; on overflow borrow a millisecond from the future.
    if (this.counter > MAX_COUNTER) {
      this.wall += 1
      this.counter = 0
    }
  }
}
