/**
 * The unlocked data key, in memory only: never stored, gone on reload or 锁定. The DBCore
 * middleware (middleware.ts) reads it for every value; while encryption is on and the key is
 * absent, reads and writes of personal data fail with LockedError instead of touching plaintext.
 */
interface KeyState {
  key: Uint8Array | null
  required: boolean
}
// One state per page, shared by every bundled copy of this module in it (the app's, and a
// bench's or test's injected bundle of src/db): a PIN set or unlocked through one copy opens the
// data for all. Same-origin script could read the unlocked data anyway; the threat is the store at rest.
const SLOT = Symbol.for('fullgrid.keyring')
const state: KeyState = ((globalThis as Record<symbol, KeyState | undefined>)[SLOT] ??= { key: null, required: false })

export class LockedError extends Error {
  constructor() {
    super('手机已锁定，请先输入PIN码解锁')
    this.name = 'LockedError'
  }
}

/** Encryption is on for this phone (a PIN is set): values must be sealed. */
export function setEncryptionRequired(on: boolean): void {
  state.required = on
}

export function encryptionRequired(): boolean {
  return state.required
}

export function setDataKey(k: Uint8Array): void {
  state.key = k
  state.required = true
}

/** Forget the key (锁定, background timeout). The stored data stays, sealed. */
export function lockKey(): void {
  if (state.key) state.key.fill(0)
  state.key = null
}

export function isUnlocked(): boolean {
  return state.key !== null
}

/** The key, or null when encryption is off; throws when on and locked. */
export function currentKey(): Uint8Array | null {
  if (state.key) return state.key
  if (state.required) throw new LockedError()
  return null
}
