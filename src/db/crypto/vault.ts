/**
 * The wrapped data key, kept in its own small IndexedDB database (`fullgrid-keys`) beside the
 * records: a wipe deletes both, and the vault is readable before unlock (it holds nothing that
 * opens the data without the PIN).
 *
 * The data key is 32 random bytes (WebCrypto's generator), wrapped with WebCrypto AES-GCM under
 * the key derived from the PIN (kdf.ts). A wrong PIN fails GCM's tag check. The failure count is
 * stored and raised *before* the key is derived, so killing the app mid-try does not give a free
 * guess; the fifth wrong PIN wipes the phone's data (the caller first tries to sync the outbox).
 */
import Dexie, { type Table } from 'dexie'
import { defaultKdf, deriveKek, KEY_BYTES, PBKDF2_DEFAULT, type KdfParams } from './kdf'
import { currentKey, lockKey, setDataKey, setEncryptionRequired } from './keyring'

import { MAX_FAILURES } from './vault.constants'

export { MAX_FAILURES }
const PIN_RE = /^\d{6}$/

/** The data key wrapped a second time, under the device's recovery secret from the server (忘记PIN码). */
interface RecoveryRow {
  id: 'recovery'
  iv: Uint8Array
  wrapped: Uint8Array
}

/**
 * The data key wrapped a third time, under the PRF output of a platform credential (指纹/面容解锁,
 * WebAuthn's prf extension): the authenticator's own user verification guards it, so a refused or
 * cancelled fingerprint does not count as a wrong PIN.
 */
export interface BiometricRow {
  id: 'biometric'
  credentialId: Uint8Array
  /** The PRF input (evaluated by the authenticator with the credential's secret). */
  salt: Uint8Array
  iv: Uint8Array
  wrapped: Uint8Array
}

interface VaultRow {
  id: 'pin'
  kdf: KdfParams
  salt: Uint8Array
  iv: Uint8Array
  wrapped: Uint8Array
  failures: number
  /** False from setPin until every row stored before it has been sealed (sealStoredRows). */
  sealed?: boolean
}

export type UnlockResult =
  | { ok: true }
  | { ok: false; wiped: false; failures: number; remaining: number }
  | { ok: false; wiped: true }

export class PinFormatError extends Error {
  constructor() {
    super('PIN码须为6位数字')
    this.name = 'PinFormatError'
  }
}

class VaultDb extends Dexie {
  declare vault: Table<VaultRow, string>
  declare recovery: Table<RecoveryRow, string>
  declare biometric: Table<BiometricRow, string>
  constructor(name: string) {
    super(name)
    this.version(1).stores({ vault: 'id' })
    this.version(2).stores({ vault: 'id', recovery: 'id' })
    this.version(3).stores({ vault: 'id', recovery: 'id', biometric: 'id' })
  }
}

async function importKek(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

export interface KeyVaultOptions {
  /** The KDF for a new PIN (tests pass a cheap Argon2id). */
  kdf?: KdfParams
  /** Deletes the phone's data; called on the fifth wrong PIN and by wipe(). */
  onWipe?: () => Promise<void>
  /**
   * The fifth wrong PIN only, before the wipe: the outbox's escrow copies go to the server
   * (src/db/escrow.ts; they need no data key). Its failure never stops the wipe.
   */
  beforeFinalWipe?: () => Promise<void>
}

export class KeyVault {
  private readonly db: VaultDb
  constructor(
    name = 'fullgrid-keys',
    private readonly opts: KeyVaultOptions = {},
  ) {
    this.db = new VaultDb(name)
  }

  async hasPin(): Promise<boolean> {
    return (await this.db.vault.get('pin')) !== undefined
  }

  async failures(): Promise<number> {
    return (await this.db.vault.get('pin'))?.failures ?? 0
  }

  /**
   * Sets the PIN. With `dataKey` (the unlocked key, on a PIN change) it is re-wrapped; without,
   * a new random data key is made. Leaves the phone unlocked with that key.
   */
  async setPin(pin: string, dataKey?: Uint8Array): Promise<Uint8Array> {
    if (!PIN_RE.test(pin)) throw new PinFormatError()
    const key = dataKey ?? crypto.getRandomValues(new Uint8Array(KEY_BYTES))
    let kdf = this.opts.kdf ?? defaultKdf()
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const iv = crypto.getRandomValues(new Uint8Array(12))
    let raw: Uint8Array
    try {
      raw = await deriveKek(pin, salt, kdf)
    } catch (err) {
      // WebAssembly refused (a CSP without 'wasm-unsafe-eval', a locked-down WebView): the
      // documented PBKDF2 fallback, recorded in the vault so the unlock uses the same function.
      if (kdf.kind !== 'argon2id') throw err
      kdf = PBKDF2_DEFAULT
      raw = await deriveKek(pin, salt, kdf)
    }
    const kek = await importKek(raw)
    const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, kek, key as BufferSource))
    const sealed = dataKey !== undefined && (await this.db.vault.get('pin'))?.sealed === true
    await this.db.vault.put({ id: 'pin', kdf, salt, iv, wrapped, failures: 0, sealed })
    // A new data key: a recovery or fingerprint wrap of the old one would open nothing.
    if (dataKey === undefined) {
      await this.db.recovery.clear()
      await this.db.biometric.clear()
    }
    setDataKey(key)
    return key
  }

  /** Tries a PIN; the fifth consecutive wrong one wipes (onWipe) and removes the vault. */
  async unlock(pin: string): Promise<UnlockResult> {
    const row = await this.db.vault.get('pin')
    if (!row) throw new Error('未设置PIN码')
    // A malformed PIN is refused before it counts (the keypad only makes six digits).
    if (!PIN_RE.test(pin)) throw new PinFormatError()
    // A fifth wrong PIN whose wipe was cut short (the page closed while the escrow copies were
    // being sent): no more tries, whatever this PIN is.
    if (row.failures >= MAX_FAILURES) return this.finalWipe()
    const failures = row.failures + 1
    await this.db.vault.update('pin', { failures })
    let key: Uint8Array | null = null
    try {
      const kek = await importKek(await deriveKek(pin, row.salt, row.kdf))
      key = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: row.iv as BufferSource }, kek, row.wrapped as BufferSource))
    } catch {
      key = null // GCM's tag check: the wrong PIN
    }
    if (key) {
      await this.db.vault.update('pin', { failures: 0 })
      setDataKey(key)
      return { ok: true }
    }
    if (failures >= MAX_FAILURES) return this.finalWipe()
    return { ok: false, wiped: false, failures, remaining: MAX_FAILURES - failures }
  }

  private async finalWipe(): Promise<UnlockResult> {
    lockKey()
    try {
      await this.opts.beforeFinalWipe?.()
    } catch {
      // Offline, the server down: what was not sent is lost, as the warning said.
    }
    await this.wipe()
    return { ok: false, wiped: true }
  }

  /** Which KDF the stored PIN uses (Argon2id, or the PBKDF2 fallback). */
  async kdfKind(): Promise<KdfParams['kind'] | null> {
    return (await this.db.vault.get('pin'))?.kdf.kind ?? null
  }

  /** Rows stored before the PIN may still be plain: the caller runs sealStoredRows, then markSealed. */
  async needsSealing(): Promise<boolean> {
    const row = await this.db.vault.get('pin')
    return !!row && row.sealed !== true
  }

  async markSealed(): Promise<void> {
    await this.db.vault.update('pin', { sealed: true })
  }

  /**
   * Wraps the unlocked data key under the device's recovery secret (32 bytes from the login's
   * answer), so 忘记PIN码 with the password opens the same records. The secret is not kept.
   */
  async setRecovery(secret: Uint8Array): Promise<void> {
    const key = currentKey()
    if (!key) throw new Error('setRecovery needs the unlocked key')
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const kek = await importKek(secret)
    const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, kek, key as BufferSource))
    await this.db.recovery.put({ id: 'recovery', iv, wrapped })
  }

  async hasRecovery(): Promise<boolean> {
    return (await this.db.recovery.get('recovery')) !== undefined
  }

  /**
   * 忘记PIN码: the recovery secret the server handed out after the password opens the data key;
   * the caller then sets a new PIN over the same key (setPin(pin, key)). False: no recovery wrap
   * on this phone, or another device's secret.
   */
  async recover(secret: Uint8Array): Promise<Uint8Array | null> {
    const row = await this.db.recovery.get('recovery')
    if (!row || !(await this.hasPin())) return null
    return this.openWrap(row, secret)
  }

  /**
   * A second wrap of the data key (recovery, fingerprint) opened with its secret: unlocked, the
   * wrong-PIN count reset. Null for another secret (GCM's tag check).
   */
  private async openWrap(row: { iv: Uint8Array; wrapped: Uint8Array }, secret: Uint8Array): Promise<Uint8Array | null> {
    try {
      const kek = await importKek(secret)
      const key = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: row.iv as BufferSource }, kek, row.wrapped as BufferSource))
      await this.db.vault.update('pin', { failures: 0 })
      setDataKey(key)
      return key
    } catch {
      return null
    }
  }

  /**
   * 指纹/面容解锁 on: wraps the unlocked data key under a credential's PRF output (biometric.ts
   * asks the authenticator). The output itself is not kept.
   */
  async setBiometric(credentialId: Uint8Array, salt: Uint8Array, prfOutput: Uint8Array): Promise<void> {
    const key = currentKey()
    if (!key) throw new Error('setBiometric needs the unlocked key')
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const kek = await importKek(prfOutput)
    const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, kek, key as BufferSource))
    await this.db.biometric.put({ id: 'biometric', credentialId, salt, iv, wrapped })
  }

  /** The credential to ask for (its id and PRF input), or null when 指纹/面容解锁 is off. */
  async biometric(): Promise<Pick<BiometricRow, 'credentialId' | 'salt'> | null> {
    const row = await this.db.biometric.get('biometric')
    return row && (await this.hasPin()) ? { credentialId: row.credentialId, salt: row.salt } : null
  }

  async clearBiometric(): Promise<void> {
    await this.db.biometric.clear()
  }

  /**
   * Opens the data key with the credential's PRF output. False for another output (another
   * credential, a reset authenticator): nothing is counted, the PIN still works.
   */
  async unlockWithBiometric(prfOutput: Uint8Array): Promise<boolean> {
    const row = await this.db.biometric.get('biometric')
    if (!row || !(await this.hasPin())) return false
    return (await this.openWrap(row, prfOutput)) !== null
  }

  /** Locks (the key leaves memory); the data stays sealed on the phone. */
  lock(): void {
    lockKey()
  }

  /** Deletes the wrapped key and (onWipe) the data: logout, device_revoked, five wrong PINs. */
  async wipe(): Promise<void> {
    lockKey()
    await this.db.transaction('rw', this.db.vault, this.db.recovery, this.db.biometric, async () => {
      await this.db.vault.delete('pin')
      await this.db.recovery.clear()
      await this.db.biometric.clear()
    })
    setEncryptionRequired(false)
    await this.opts.onWipe?.()
  }

  close(): void {
    this.db.close()
  }

  async delete(): Promise<void> {
    await this.db.delete()
  }
}
