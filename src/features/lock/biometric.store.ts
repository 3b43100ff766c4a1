/**
 * 指纹/面容解锁 (issue 19): whether the phone offers a platform authenticator with WebAuthn's prf
 * extension, whether it wraps the data key, and the unlock with it. The WebAuthn and vault code
 * load lazily with the lock screens (src/db/phoneLock.ts, src/db/crypto/biometric.ts).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'

const data = () => import('@/db/phoneLock')

/** What the screen says when a WebAuthn call failed: the person cancelled, or it cannot work here. */
export type BiometricProblem = 'cancelled' | 'unavailable' | 'failed'

export function biometricProblemOf(err: unknown): BiometricProblem {
  const name = (err as { name?: string } | null)?.name
  if (name === 'NotAllowedError' || name === 'AbortError') return 'cancelled'
  if (name === 'BiometricUnavailableError' || name === 'NotSupportedError' || name === 'SecurityError') return 'unavailable'
  return 'failed'
}

export const useBiometricStore = defineStore('biometric', () => {
  const available = ref(false)
  const enabled = ref(false)
  const busy = ref(false)

  async function refresh(): Promise<void> {
    const d = await data()
    enabled.value = await d.biometricEnabled()
    available.value = enabled.value || (await d.biometricAvailable())
  }

  async function run<T>(work: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await work()
    } finally {
      busy.value = false
      await refresh()
    }
  }

  /** Asks for the fingerprint or face once, then wraps the unlocked key under the credential. */
  function enable(account: { id: string; username: string; name: string }): Promise<void> {
    return run(async () => (await data()).enableBiometric(account))
  }

  function disable(): Promise<void> {
    return run(async () => (await data()).disableBiometric())
  }

  /** True when the key is open; a cancelled prompt throws (biometricProblemOf names it). */
  function unlock(): Promise<boolean> {
    return run(async () => (await data()).unlockWithBiometric())
  }

  return { available, enabled, busy, refresh, enable, disable, unlock }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useBiometricStore, import.meta.hot))
