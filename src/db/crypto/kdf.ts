/**
 * The key that wraps the data key, derived from the worker's 6-digit PIN.
 *
 * Argon2id (hash-wasm, WebAssembly): memory-hard, so each guess of a copied store costs memory
 * and time on a GPU as on the phone. OWASP's minimum (19 MiB, 2 passes, 1 lane) keeps an unlock
 * well under a second on a mid-range phone. PBKDF2-SHA-256 (WebCrypto) is only the fallback for
 * a browser that cannot run WebAssembly; the vault records which was used, so the phone unlocks
 * with the same function it set the PIN with.
 */
import { argon2id } from 'hash-wasm'

export type KdfParams =
  | { kind: 'argon2id'; memoryKiB: number; iterations: number; parallelism: number }
  | { kind: 'pbkdf2-sha256'; iterations: number }

export const ARGON2_DEFAULT: KdfParams = { kind: 'argon2id', memoryKiB: 19_456, iterations: 2, parallelism: 1 }
/** OWASP's figure for PBKDF2-HMAC-SHA-256 (2023). */
export const PBKDF2_DEFAULT: KdfParams = { kind: 'pbkdf2-sha256', iterations: 600_000 }

export const KEY_BYTES = 32

/** Argon2id where WebAssembly runs, else the PBKDF2 fallback. */
export function defaultKdf(): KdfParams {
  return typeof WebAssembly === 'object' ? ARGON2_DEFAULT : PBKDF2_DEFAULT
}

export async function deriveKek(pin: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  if (params.kind === 'argon2id') {
    return argon2id({
      password: pin,
      salt,
      memorySize: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
      hashLength: KEY_BYTES,
      outputType: 'binary',
    })
  }
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations: params.iterations }, base, KEY_BYTES * 8)
  return new Uint8Array(bits)
}
