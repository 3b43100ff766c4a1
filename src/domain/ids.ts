/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, version 7, 74 random bits.
 * Ids are born where the record is born (phone or server) and sort roughly by creation time.
 */
export type RandomBytes = (n: number) => Uint8Array

const defaultRandom: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n))

let lastMs = -1
let lastSeq = 0

export function uuidv7(now: number = Date.now(), random: RandomBytes = defaultRandom): string {
  const bytes = random(16)
  // Keep ids monotonic within one process even when several are made in the same millisecond:
  // a 12-bit sequence in rand_a (RFC 9562 §6.2 method 1).
  if (now === lastMs) {
    lastSeq = (lastSeq + 1) & 0xfff
  } else {
    lastMs = now
    lastSeq = ((bytes[6] & 0x07) << 8) | bytes[7]
  }
  bytes[0] = Math.floor(now / 2 ** 40) & 0xff
  bytes[1] = Math.floor(now / 2 ** 32) & 0xff
  bytes[2] = (now >>> 24) & 0xff
  bytes[3] = (now >>> 16) & 0xff
  bytes[4] = (now >>> 8) & 0xff
  bytes[5] = now & 0xff
  bytes[6] = 0x70 | ((lastSeq >>> 8) & 0x0f)
  bytes[7] = lastSeq & 0xff
  bytes[8] = 0x80 | (bytes[8] & 0x3f)
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Milliseconds encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16)
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
