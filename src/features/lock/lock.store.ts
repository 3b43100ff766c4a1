/**
 * The phone's lock (issue 19): is a PIN set, is the data key in memory, how many wrong PINs so
 * far. The router's gate asks gate() before every page but the lock screens; the vault and
 * hash-wasm load lazily (src/db/phoneLock.ts).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { MAX_FAILURES } from '@/db/crypto/vault.constants'
import { isUnlocked } from '@/db/crypto/keyring'
import { lockGate, pinProblem, type LastTryOutlook, type PinProblem, type UnlockAnswer } from './lock.models'

const data = () => import('@/db/phoneLock')

export const useLockStore = defineStore('lock', () => {
  const loaded = ref(false)
  const hasPin = ref(false)
  const unlocked = ref(false)
  const failures = ref(0)
  const busy = ref(false)

  async function refresh(): Promise<void> {
    const s = await (await data()).vaultState()
    hasPin.value = s.hasPin
    unlocked.value = s.unlocked
    failures.value = s.failures
    loaded.value = true
  }

  /** Where a signed-in person must go first: 设置PIN码, 输入PIN码, or nowhere (null). */
  async function gate(): Promise<'set-pin' | 'unlock' | null> {
    // Unlocked already (every navigation after the first): no vault read.
    if (loaded.value && hasPin.value && isUnlocked()) return null
    await refresh()
    return lockGate({ hasPin: hasPin.value, unlocked: unlocked.value })
  }

  /** Sets the first PIN and seals what the phone already holds; a problem comes back unset. */
  async function setPin(pin: string, repeat: string): Promise<PinProblem | null> {
    const problem = pinProblem(pin, repeat)
    if (problem) return problem
    busy.value = true
    try {
      await (await data()).setPin(pin)
      await refresh()
      return null
    } finally {
      busy.value = false
    }
  }

  async function unlock(pin: string): Promise<UnlockAnswer> {
    busy.value = true
    try {
      const answer = await (await data()).unlock(pin)
      await refresh()
      if (answer.ok) return answer
      return answer.wiped ? answer : { ok: false, wiped: false, remaining: answer.remaining }
    } finally {
      busy.value = false
    }
  }

  /** 忘记PIN码's second step: a new PIN over the key the password opened; the records stay. */
  async function resetPin(pin: string, repeat: string): Promise<PinProblem | null> {
    const problem = pinProblem(pin, repeat)
    if (problem) return problem
    busy.value = true
    try {
      await (await data()).resetPin(pin)
      await refresh()
      return null
    } finally {
      busy.value = false
    }
  }

  async function canRecover(): Promise<boolean> {
    return (await data()).canRecover()
  }

  /** 锁定, or the background timeout: the key leaves memory, the data stays sealed. */
  async function lock(): Promise<void> {
    if (!hasPin.value) return
    ;(await data()).lock()
    unlocked.value = false
  }

  /** Logout, a revoked device, 忘记PIN码: the key and every record go. */
  async function wipe(): Promise<void> {
    await (await data()).wipePhone()
    hasPin.value = false
    unlocked.value = false
    failures.value = 0
  }

  async function unsyncedCount(): Promise<number> {
    return (await data()).unsyncedCount()
  }

  /** Before the last try: unsynced records, those the escrow copies can send first, those lost. */
  async function lastTryOutlook(): Promise<LastTryOutlook> {
    return (await data()).lastTryOutlook()
  }

  const remaining = () => MAX_FAILURES - failures.value

  return { loaded, hasPin, unlocked, failures, busy, remaining, gate, setPin, unlock, resetPin, canRecover, lock, wipe, unsyncedCount, lastTryOutlook, refresh }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLockStore, import.meta.hot))
