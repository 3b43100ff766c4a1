/**
 * 指纹/面容解锁 (issue 19): the data key wrapped under a platform credential's PRF output, and the
 * WebAuthn calls that get that output — against a fake authenticator whose PRF is HMAC-SHA-256 of
 * a per-credential secret, as CTAP2's hmac-secret is.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { KeyVault, LockedError, currentKey, isUnlocked, lockKey, setEncryptionRequired, type KdfParams } from '@/db/crypto'
import { BiometricUnavailableError, biometricAvailable, enrollPlatformCredential, evaluatePrf } from '@/db/crypto/biometric'
import { biometricProblemOf } from '@/features/lock/biometric.store'

const kdf: KdfParams = { kind: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 }
const PIN = '135790'
let n = 0
const vaults: KeyVault[] = []
function vault(onWipe?: () => Promise<void>): KeyVault {
  const v = new KeyVault(`bio-keys-${n++}`, { kdf, onWipe })
  vaults.push(v)
  return v
}
afterEach(async () => {
  lockKey()
  setEncryptionRequired(false)
  vi.unstubAllGlobals()
  for (const v of vaults.splice(0)) await v.delete()
})

const random32 = () => crypto.getRandomValues(new Uint8Array(32))

describe('the vault’s fingerprint wrap', () => {
  it('opens the same data key with the credential’s output, and not with another', async () => {
    const v = vault()
    // A copy: locking zeroes the key in memory.
    const dataKey = (await v.setPin(PIN)).slice()
    const output = random32()
    await v.setBiometric(random32(), random32(), output)
    lockKey()
    expect(isUnlocked()).toBe(false)

    expect(await v.unlockWithBiometric(random32())).toBe(false)
    expect(isUnlocked()).toBe(false)
    // A failed fingerprint is not a wrong PIN: the five tries are the PIN's.
    expect(await v.failures()).toBe(0)

    expect(await v.unlockWithBiometric(output)).toBe(true)
    expect(currentKey()).toEqual(dataKey)
  })

  it('resets the wrong-PIN count when it opens the key', async () => {
    const v = vault()
    await v.setPin(PIN)
    const output = random32()
    await v.setBiometric(random32(), random32(), output)
    lockKey()
    await v.unlock('246801')
    await v.unlock('246802')
    expect(await v.failures()).toBe(2)
    expect(await v.unlockWithBiometric(output)).toBe(true)
    expect(await v.failures()).toBe(0)
  })

  it('needs the key open to be turned on', async () => {
    const v = vault()
    await v.setPin(PIN)
    lockKey()
    await expect(v.setBiometric(random32(), random32(), random32())).rejects.toBeInstanceOf(LockedError)
  })

  it('goes with a wipe and with a new data key; stays over a PIN change of the same key', async () => {
    const v = vault()
    const key = await v.setPin(PIN)
    await v.setBiometric(random32(), random32(), random32())
    await v.setPin('246813', key)
    expect(await v.biometric()).not.toBeNull()
    await v.setPin('246813')
    expect(await v.biometric()).toBeNull()

    await v.setBiometric(random32(), random32(), random32())
    await v.wipe()
    expect(await v.biometric()).toBeNull()
  })
})

/** A platform authenticator with PRF: create() reports prf enabled, get() evaluates it. */
function fakeAuthenticator(opts: { prf?: boolean; platform?: boolean } = {}) {
  const secrets = new Map<string, Uint8Array>()
  const idText = (b: BufferSource) => Array.from(new Uint8Array(ArrayBuffer.isView(b) ? b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) : b)).join(',')
  const hmac = async (secret: Uint8Array, salt: BufferSource) => {
    const k = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    return crypto.subtle.sign('HMAC', k, salt)
  }
  const calls: { create: CredentialCreationOptions[]; get: CredentialRequestOptions[] } = { create: [], get: [] }
  const credentials = {
    async create(o: CredentialCreationOptions) {
      calls.create.push(o)
      const rawId = crypto.getRandomValues(new Uint8Array(16))
      secrets.set(idText(rawId), random32())
      return { rawId: rawId.buffer, getClientExtensionResults: () => ({ prf: { enabled: opts.prf !== false } }) }
    },
    async get(o: CredentialRequestOptions) {
      calls.get.push(o)
      const id = o.publicKey!.allowCredentials![0].id
      const secret = secrets.get(idText(id))
      if (!secret) throw Object.assign(new Error('no such credential'), { name: 'NotAllowedError' })
      const salt = (o.publicKey!.extensions as { prf: { eval: { first: BufferSource } } }).prf.eval.first
      const first = await hmac(secret, salt)
      return { getClientExtensionResults: () => (opts.prf === false ? {} : { prf: { results: { first } } }) }
    },
  }
  vi.stubGlobal('navigator', { credentials })
  vi.stubGlobal('PublicKeyCredential', { isUserVerifyingPlatformAuthenticatorAvailable: async () => opts.platform !== false })
  return calls
}

describe('the WebAuthn calls', () => {
  const account = { id: '0193a000-0000-7000-8000-000000000001', username: 'worker01', name: '张伟' }

  it('enrols a platform credential with user verification, and its PRF answers the same later', async () => {
    const calls = fakeAuthenticator()
    expect(await biometricAvailable()).toBe(true)
    const { credentialId, salt, output } = await enrollPlatformCredential(account)
    const options = calls.create[0].publicKey!
    expect(options.authenticatorSelection).toMatchObject({ authenticatorAttachment: 'platform', userVerification: 'required' })
    expect(calls.get[0].publicKey!.userVerification).toBe('required')
    expect(output).toHaveLength(32)
    expect(await evaluatePrf(credentialId, salt)).toEqual(output)
    expect(await evaluatePrf(credentialId, random32())).not.toEqual(output)
  })

  it('refuses where the authenticator has no PRF or there is no platform authenticator', async () => {
    fakeAuthenticator({ prf: false })
    await expect(enrollPlatformCredential(account)).rejects.toBeInstanceOf(BiometricUnavailableError)
    vi.unstubAllGlobals()
    fakeAuthenticator({ platform: false })
    expect(await biometricAvailable()).toBe(false)
    await expect(enrollPlatformCredential(account)).rejects.toBeInstanceOf(BiometricUnavailableError)
  })

  it('says nothing is offered without WebAuthn', async () => {
    vi.stubGlobal('PublicKeyCredential', undefined)
    expect(await biometricAvailable()).toBe(false)
  })

  it('names a cancelled prompt apart from a phone that cannot do it', () => {
    expect(biometricProblemOf(Object.assign(new Error('x'), { name: 'NotAllowedError' }))).toBe('cancelled')
    expect(biometricProblemOf(new BiometricUnavailableError())).toBe('unavailable')
    expect(biometricProblemOf(new Error('boom'))).toBe('failed')
  })
})
