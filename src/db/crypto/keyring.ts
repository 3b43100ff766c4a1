/**
 * The unlocked data key, in memory only: never stored, gone on reload or 锁定. The DBCore
 * middleware (middleware.ts) reads it for every value; while encryption is on and the key is
 * absent, reads and writes of personal data fail with LockedError instead of touching plaintext.
 */
let key: Uint8Array | null = null
let required = false

export class LockedError extends Error {
  constructor() {
    super('手机已锁定，请先输入PIN码解锁')
    this.name = 'LockedError'
  }
}

/** Encryption is on for this phone (a PIN is set): values must be sealed. */
export function setEncryptionRequired(on: boolean): void {
  required = on
}

export function encryptionRequired(): boolean {
  return required
}

export function setDataKey(k: Uint8Array): void {
  key = k
  required = true
}

/** Forget the key (锁定, background timeout). The stored data stays, sealed. */
export function lockKey(): void {
  if (key) key.fill(0)
  key = null
}

export function isUnlocked(): boolean {
  return key !== null
}

/** The key, or null when encryption is off; throws when on and locked. */
export function currentKey(): Uint8Array | null {
  if (key) return key
  if (required) throw new LockedError()
  return null
}
