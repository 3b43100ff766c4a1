/**
 * Sealing one stored value with the data key (AES-256-GCM, a fresh 96-bit IV per value).
 *
 * Synchronous on purpose: values are sealed inside the IndexedDB transaction (the DBCore
 * middleware, middleware.ts), and an IndexedDB transaction commits as soon as it has no pending
 * request — awaiting WebCrypto's encrypt() there would end the transaction under the one write path
 * (a record and its outbox entry in one transaction). So values use @noble/ciphers' audited AES-GCM
 * (the same algorithm, in JS); WebCrypto makes the random IVs and wraps the data key (vault.ts).
 *
 * A value is serialised as JSON with its binary parts (typed arrays, ArrayBuffers: the packs'
 * deflated chunks and fingerprint directories, photo bytes) carried beside the JSON, not in it.
 */
import { gcm } from '@noble/ciphers/aes.js'

const IV_BYTES = 12
const BIN_TAG = '\u0000bin'

type Binary = Uint8Array | Uint32Array | ArrayBuffer
type Kind = 'u8' | 'u32' | 'ab'

function kindOf(v: unknown): Kind | null {
  if (v instanceof Uint8Array) return 'u8'
  if (v instanceof Uint32Array) return 'u32'
  if (v instanceof ArrayBuffer) return 'ab'
  return null
}

function bytesOf(v: Binary): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/** value → [u32 json length][json][for each binary part: u32 length, bytes] */
export function serialize(value: unknown): Uint8Array {
  const parts: Uint8Array[] = []
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    // `this[key]` is the value before toJSON; typed arrays have none, so `v` is the array itself.
    const kind = kindOf(v)
    // A Blob would serialise as {} and be lost: never seal one (blobs.ts stores bytes instead).
    if (typeof Blob !== 'undefined' && v instanceof Blob) throw new Error('a Blob cannot be sealed; store its bytes')
    if (!kind) return v
    parts.push(bytesOf(v as Binary))
    return { [BIN_TAG]: parts.length - 1, k: kind }
  })
  const head = enc.encode(json ?? 'null')
  let total = 4 + head.length
  for (const p of parts) total += 4 + p.length
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, head.length)
  out.set(head, 4)
  let at = 4 + head.length
  for (const p of parts) {
    view.setUint32(at, p.length)
    out.set(p, at + 4)
    at += 4 + p.length
  }
  return out
}

export function deserialize(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headLen = view.getUint32(0)
  const json = dec.decode(bytes.subarray(4, 4 + headLen))
  const parts: Uint8Array[] = []
  let at = 4 + headLen
  while (at < bytes.length) {
    const n = view.getUint32(at)
    parts.push(bytes.slice(at + 4, at + 4 + n))
    at += 4 + n
  }
  return JSON.parse(json, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || !(BIN_TAG in v)) return v
    const { [BIN_TAG]: i, k } = v as { [BIN_TAG]: number; k: Kind }
    const p = parts[i]
    if (k === 'u8') return p
    if (k === 'u32') return new Uint32Array(p.buffer, p.byteOffset, p.byteLength / 4)
    return p.buffer
  })
}

/** iv ‖ AES-GCM(serialize(value)) */
export function seal(key: Uint8Array, value: unknown): Uint8Array {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const ct = gcm(key, iv).encrypt(serialize(value))
  const out = new Uint8Array(IV_BYTES + ct.length)
  out.set(iv)
  out.set(ct, IV_BYTES)
  return out
}

/** Throws if the key is wrong or the bytes were altered (GCM's tag). */
export function unseal(key: Uint8Array, sealed: Uint8Array): unknown {
  const iv = sealed.subarray(0, IV_BYTES)
  return deserialize(gcm(key, iv).decrypt(sealed.subarray(IV_BYTES)))
}
