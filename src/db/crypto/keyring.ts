/**
 * The unlocked data key, in memory only: never stored, gone on reload or 锁定. The DBCore
 * middleware (middleware.ts) reads it for every value; while encryption is on and the key is
 * absent, reads and writes of personal data fail with LockedError instead of touching plaintext.
 */
import type { EscrowSession } from '../../domain/escrow'

interface KeyState {
  key: Uint8Array | null
  required: boolean
  /** The escrow session (src/domain/escrow.ts) of this unlock: its agreed key opens the outbox's escrow copies, so it goes with the data key. */
  escrow?: EscrowSession | null
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
  state.escrow?.key.fill(0)
  state.escrow = null
}

/** Set while unlocked (src/db/escrow.ts); null forgets it. */
export function setEscrowSession(s: EscrowSession | null): void {
  if (state.escrow && state.escrow !== s) state.escrow.key.fill(0)
  state.escrow = s
}

/** The session the write path seals escrow copies with, only while unlocked. */
export function currentEscrowSession(): EscrowSession | null {
  return state.key ? (state.escrow ?? null) : null
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
