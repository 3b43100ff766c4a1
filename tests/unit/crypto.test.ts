import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { KeyVault, MAX_FAILURES, PinFormatError, currentKey, deserialize, isUnlocked, lockKey, seal, serialize, setEncryptionRequired, unseal, LockedError, type KdfParams } from '@/db/crypto'
import { deriveKek } from '@/db/crypto/kdf'

// A cheap Argon2id so the tests run fast; the phone uses ARGON2_DEFAULT.
const kdf: KdfParams = { kind: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 }
let n = 0
const vaults: KeyVault[] = []
function vault(onWipe?: () => Promise<void>): KeyVault {
  const v = new KeyVault(`keys-${n++}`, { kdf, onWipe })
  vaults.push(v)
  return v
}
afterEach(async () => {
  lockKey()
  setEncryptionRequired(false)
  for (const v of vaults.splice(0)) await v.delete()
})

describe('value sealing', () => {
  it('round-trips JSON with binary parts (packs, photos)', () => {
    const value = { key: 'households|c|3|0', z: new Uint8Array([1, 2, 3]), dir: { 0: new Uint32Array([7, 4_000_000_000]) }, name: '王秀英', n: null }
    const back = deserialize(serialize(value)) as typeof value
    expect(back).toEqual(value)
    expect(back.dir[0]).toBeInstanceOf(Uint32Array)
    const key = crypto.getRandomValues(new Uint8Array(32))
    const sealed = seal(key, value)
    expect(new TextDecoder().decode(sealed)).not.toContain('王秀英')
    expect(unseal(key, sealed)).toEqual(value)
  })

  it('refuses another key and altered bytes', () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const sealed = seal(key, { phone: '13800001234' })
    expect(() => unseal(crypto.getRandomValues(new Uint8Array(32)), sealed)).toThrow()
    sealed[sealed.length - 1] ^= 1
    expect(() => unseal(key, sealed)).toThrow()
  })
})

describe('KeyVault', () => {
  it('wraps a random data key under the PIN and unwraps it with the same PIN only', async () => {
    const v = vault()
    expect(await v.hasPin()).toBe(false)
    const key = await v.setPin('246810')
    expect(key).toHaveLength(32)
    expect(isUnlocked()).toBe(true)
    const copy = key.slice()
    v.lock()
    expect(isUnlocked()).toBe(false)
    // Locked with encryption on: personal data is unreachable.
    expect(() => currentKey()).toThrow(LockedError)
    expect(await v.unlock('246810')).toEqual({ ok: true })
    expect(currentKey()).toEqual(copy)
  })

  it('counts a wrong PIN, and a right one resets the count', async () => {
    const v = vault()
    await v.setPin('111111')
    v.lock()
    expect(await v.unlock('111112')).toEqual({ ok: false, wiped: false, failures: 1, remaining: 4 })
    expect(isUnlocked()).toBe(false)
    expect(await v.unlock('000000')).toMatchObject({ failures: 2, remaining: 3 })
    // The count is stored: a reload does not reset it.
    expect(await new KeyVault(`keys-${n - 1}`, { kdf }).failures()).toBe(2)
    expect(await v.unlock('111111')).toEqual({ ok: true })
    expect(await v.failures()).toBe(0)
  })

  it('refuses a PIN that is not six digits without counting it', async () => {
    const v = vault()
    await expect(v.setPin('12345')).rejects.toThrow(PinFormatError)
    await v.setPin('123456')
    await expect(v.unlock('12a456')).rejects.toThrow('PIN码须为6位数字')
    expect(await v.failures()).toBe(0)
  })

  it('wipes the data and the key on the fifth wrong PIN', async () => {
    const onWipe = vi.fn(async () => {})
    const v = vault(onWipe)
    await v.setPin('135790')
    v.lock()
    for (let i = 1; i < MAX_FAILURES; i++) expect(await v.unlock('999999')).toMatchObject({ wiped: false, remaining: MAX_FAILURES - i })
    expect(onWipe).not.toHaveBeenCalled()
    expect(await v.unlock('999999')).toEqual({ ok: false, wiped: true })
    expect(onWipe).toHaveBeenCalledOnce()
    expect(await v.hasPin()).toBe(false)
    // Even the right PIN opens nothing now.
    await expect(v.unlock('135790')).rejects.toThrow('未设置PIN码')
  })

  it('derives with Argon2id, or with the PBKDF2 fallback when recorded', async () => {
    const salt = new Uint8Array(16)
    const a = await deriveKek('123456', salt, kdf)
    const b = await deriveKek('123456', salt, { kind: 'pbkdf2-sha256', iterations: 1000 })
    expect(a).toHaveLength(32)
    expect(b).toHaveLength(32)
    expect(a).not.toEqual(b)
    expect(await deriveKek('123457', salt, kdf)).not.toEqual(a)
  })
})
