/**
 * Who is logged in on this phone. The session lives in IndexedDB (src/db/session.ts), so the app
 * opens to the tabs with no network; the network is needed only to log in and (best effort) out.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { loginResponseSchema, type LoginResponse } from '@/domain/auth'
import { appDb, ensureDeviceId } from '@/db'
import { clearSession, loadSession, pendingChangeCount, saveSession } from '@/db/session'
import { deviceNameFromUserAgent, makeDeviceId } from './device'

/** Why a login failed; the page shows a message for each (account.login.errors.*). */
export type LoginErrorCode = 'invalid' | 'throttled' | 'offline' | 'server'

export class LoginError extends Error {
  constructor(
    readonly code: LoginErrorCode,
    readonly status?: number,
  ) {
    super(`login failed: ${code}${status ? ` (${status})` : ''}`)
  }
}

const LOGIN_TIMEOUT_MS = 15_000
const LOGOUT_TIMEOUT_MS = 3_000

export const useAccountStore = defineStore('account', () => {
  const session = ref<LoginResponse | null>(null)
  const username = ref('')
  const deviceId = ref('')
  const deviceName = ref(deviceNameFromUserAgent(globalThis.navigator?.userAgent ?? ''))
  const loaded = ref(false)
  const loggingIn = ref(false)

  const user = computed(() => session.value?.user ?? null)
  const isLoggedIn = computed(() => session.value !== null)

  /** Read the device id and the kept session; once per app start (the router guard awaits it). */
  async function load(): Promise<void> {
    try {
      const db = appDb()
      deviceId.value = await ensureDeviceId(db, () => makeDeviceId())
      const stored = await loadSession(db)
      session.value = stored?.session ?? null
      username.value = stored?.username ?? ''
    } catch (err) {
      // IndexedDB unavailable (private mode, storage blocked): open at the login page rather than hang.
      console.error('[account] could not read the local session', err)
      session.value = null
    } finally {
      loaded.value = true
    }
  }

  async function login(name: string, password: string): Promise<void> {
    loggingIn.value = true
    try {
      if (!deviceId.value) deviceId.value = await ensureDeviceId(appDb(), () => makeDeviceId())
      let res: Response
      try {
        res = await fetch('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: name.trim(), password, deviceId: deviceId.value, deviceName: deviceName.value }),
          signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS),
        })
      } catch {
        // No answer at all: no signal, server unreachable or timed out.
        throw new LoginError('offline')
      }
      if (res.status === 401) throw new LoginError('invalid', 401)
      if (res.status === 429) throw new LoginError('throttled', 429)
      if (!res.ok) throw new LoginError('server', res.status)
      const parsed = loginResponseSchema.safeParse(await res.json().catch(() => null))
      if (!parsed.success) throw new LoginError('server', res.status)
      await saveSession(appDb(), parsed.data, name.trim())
      session.value = parsed.data
      username.value = name.trim()
    } finally {
      loggingIn.value = false
    }
  }

  /** Changes not yet accepted by the server; logging out asks first when there are any. */
  function pendingCount(): Promise<number> {
    return pendingChangeCount(appDb())
  }

  /**
   * Forget the login on this phone. The server is told when it can be reached (it revokes the
   * token); with no signal the local logout still happens. The outbox is never touched.
   */
  async function logout(): Promise<void> {
    const token = session.value?.token
    if (token) {
      await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(LOGOUT_TIMEOUT_MS),
      }).catch(() => undefined)
    }
    await clearSession(appDb())
    session.value = null
    username.value = ''
  }

  return { session, user, username, deviceId, deviceName, loaded, loggingIn, isLoggedIn, load, login, logout, pendingCount }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAccountStore, import.meta.hot))
