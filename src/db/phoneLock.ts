/**
 * The app's PIN lock over its database (issue 19): the one vault (`fullgrid-keys`) beside
 * appDb(), sealing what was stored before the PIN, the count of unsynced records readable while
 * sealed, and the wipe. Loaded lazily (the lock screens' store, logout), so hash-wasm and the
 * vault stay out of the entry chunk.
 */
import { KeyVault, currentKey, isUnlocked, setEncryptionRequired, type UnlockResult } from './crypto'
import { sealStoredRows } from './crypto/seal'
import { enrollPlatformCredential, evaluatePrf } from './crypto/biometric'
import { appDb } from './appDb'
import { unsyncedRecordCount, unsyncedRecordCountSealed } from './outbox'
import { wipeLocalDatabase } from './watchers'
import { escrowTally, startEscrowSession } from './escrow'
import { getMeta } from './meta'
// Static, not import(): this module is in the service worker's bundle too, where import() is refused.
import { makeContext } from '../sync/context'
import { pushEscrowed } from '../sync/pushEscrowed'

let vault: KeyVault | null = null

function theVault(): KeyVault {
  // The fifth wrong PIN deletes the records with the key: nothing sealed is left to guess at.
  // First the outbox's escrow copies go to the server (they need no data key: escrow.ts).
  vault ??= new KeyVault('fullgrid-keys', { onWipe: () => wipeLocalDatabase(appDb()), beforeFinalWipe: sendBeforeWipe })
  return vault
}

/** What the fifth wrong PIN sent before the wipe and what it destroyed (records, not mutations). */
export interface WipeReport {
  sent: number
  lost: number
}

let lastWipe: WipeReport | null = null

/** How long the fifth wrong PIN waits for the server before wiping anyway. */
const FINAL_SEND_TIMEOUT_MS = 15_000

async function sendBeforeWipe(): Promise<void> {
  const db = appDb()
  let accepted = new Set<string>()
  try {
    const online = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false
    if (online && (await getMeta(db, 'session'))?.token) {
      const ctx = makeContext({ db, fetch: (url, init) => fetch(url, init), timeoutMs: FINAL_SEND_TIMEOUT_MS })
      accepted = (await pushEscrowed(ctx)).accepted
    }
  } finally {
    const tally = await escrowTally(db, accepted)
    lastWipe = { sent: tally.covered, lost: tally.lost }
  }
}

/** Before the last try: how many unsynced records the escrow copies could save (if online), and how many would be lost. */
export async function lastTryOutlook(): Promise<{ unsynced: number; sendable: number; lost: number }> {
  const t = await escrowTally(appDb())
  return { unsynced: t.records, sendable: t.covered, lost: t.lost }
}

export interface VaultState {
  hasPin: boolean
  unlocked: boolean
  failures: number
}

/** Read before the first screen: with a PIN set, nothing may be read or written in the clear. */
export async function vaultState(): Promise<VaultState> {
  const v = theVault()
  const hasPin = await v.hasPin()
  if (hasPin) setEncryptionRequired(true)
  return { hasPin, unlocked: isUnlocked(), failures: hasPin ? await v.failures() : 0 }
}

/**
 * Rows written before the PIN (an earlier version of the app, or the session kept at login) are
 * sealed now; resumable, so an interrupted pass is finished at the next unlock.
 */
async function sealIfNeeded(v: KeyVault): Promise<void> {
  if (!(await v.needsSealing())) return
  await sealStoredRows(appDb())
  await v.markSealed()
}

// The device's recovery secret from the last login's answer: in memory only, until the data key
// it wraps exists (設置PIN码 right after that login) or is unlocked.
let recoverySecret: Uint8Array | null = null

function bytesOfBase64url(b64: string): Uint8Array {
  const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

/** After a login (password checked): wrap the key now if it is open, else at 设置PIN码. */
export async function holdRecoveryKey(b64: string | undefined): Promise<void> {
  if (!b64) return
  recoverySecret = bytesOfBase64url(b64)
  await wrapForRecovery()
}

async function wrapForRecovery(): Promise<void> {
  const v = theVault()
  if (!recoverySecret || !isUnlocked() || !(await v.hasPin())) return
  await v.setRecovery(recoverySecret)
  recoverySecret.fill(0)
  recoverySecret = null
}

export async function setPin(pin: string): Promise<void> {
  const v = theVault()
  await v.setPin(pin)
  await wrapForRecovery()
  await sealIfNeeded(v)
  await openEscrow()
}

/** 忘记PIN码 can keep the records on this phone only if it holds the recovery wrap. */
export function canRecover(): Promise<boolean> {
  return theVault().hasRecovery()
}

/**
 * 忘记PIN码, after a login with the password answered the device's secret: opens the same data
 * key (unlocked, failures reset). False when it does not open it; the caller offers the wipe.
 */
export async function recoverWith(b64: string | undefined): Promise<boolean> {
  if (!b64) return false
  const key = await theVault().recover(bytesOfBase64url(b64))
  if (key) await openEscrow()
  return key !== null
}

/** A new PIN over the unlocked key (after 忘记PIN码): the records stay sealed under the same key. */
export async function resetPin(pin: string): Promise<void> {
  const key = currentKey()
  if (!key) throw new Error('resetPin needs the unlocked key')
  await theVault().setPin(pin, key)
}

export type PhoneUnlockResult = Exclude<UnlockResult, { wiped: true }> | { ok: false; wiped: true; report: WipeReport | null }

export async function unlock(pin: string): Promise<PhoneUnlockResult> {
  const v = theVault()
  lastWipe = null
  const result = await v.unlock(pin)
  if (result.ok) {
    await sealIfNeeded(v)
    await openEscrow()
  }
  if (!result.ok && result.wiped) return { ...result, report: lastWipe }
  return result
}

/** This unlock's escrow session (the writes then queue a copy for a locked send); never fails the unlock. */
async function openEscrow(): Promise<void> {
  try {
    await startEscrowSession(appDb())
  } catch {
    // No WebCrypto ECDH here: the rows wait for the unlock, as before escrow.
  }
}

/** 指纹/面容解锁 can be offered: a platform authenticator the browser lets pages use. */
export { biometricAvailable } from './crypto/biometric'

/** Is 指纹/面容解锁 on for this phone (a credential wraps the key)? */
export async function biometricEnabled(): Promise<boolean> {
  return (await theVault().biometric()) !== null
}

/** 开启指纹/面容解锁, while unlocked: a platform credential's PRF output wraps the same data key. */
export async function enableBiometric(account: { id: string; username: string; name: string }): Promise<void> {
  if (!isUnlocked()) throw new Error('enableBiometric needs the unlocked key')
  const { credentialId, salt, output } = await enrollPlatformCredential(account)
  try {
    await theVault().setBiometric(credentialId, salt, output)
  } finally {
    output.fill(0)
  }
}

export function disableBiometric(): Promise<void> {
  return theVault().clearBiometric()
}

/**
 * 指纹/面容解锁 at the lock screen. False when it did not open the key (a cancelled prompt throws
 * the browser's NotAllowedError to the caller); a failure never counts as a wrong PIN.
 */
export async function unlockWithBiometric(): Promise<boolean> {
  const v = theVault()
  const cred = await v.biometric()
  if (!cred) return false
  const output = await evaluatePrf(cred.credentialId, cred.salt)
  try {
    if (!(await v.unlockWithBiometric(output))) return false
  } finally {
    output.fill(0)
  }
  await sealIfNeeded(v)
  await openEscrow()
  return true
}

export function lock(): void {
  theVault().lock()
}

/** Logout and a revoked device: the key goes with the records (DESIGN §8.4). */
export async function wipePhone(): Promise<void> {
  // The vault's wipe deletes the records too (onWipe), with or without a PIN set.
  await theVault().wipe()
}

/** 待同步 and 需处理 records, readable while locked (the lock screen's warning). */
export function unsyncedCount(): Promise<number> {
  return isUnlocked() ? unsyncedRecordCount(appDb()) : unsyncedRecordCountSealed(appDb())
}

/** For the service worker: a phone with a PIN keeps its data sealed to a key only the page holds. */
export function phoneHasPin(): Promise<boolean> {
  return theVault().hasPin()
}
