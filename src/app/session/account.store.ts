/**
 * Who is logged in on this phone. The session lives in IndexedDB (src/db/session.ts), so the app
 * opens to the tabs with no network; the network is needed only to log in and (best effort) out.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { loginResponseSchema, meResponseSchema, type LoginResponse } from '@/domain/auth'
import { appDb, ensureDeviceId } from '@/db'
import { clearSession, loadSession, pendingChangeCount, saveSession } from '@/db/session'
import { apiFetch, NetworkError, ServerError, UnauthorizedError } from './api'
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

/** The login page's words for a failed request (no answer, wrong password, too many tries, other). */
function loginErrorOf(err: unknown): LoginError {
  if (err instanceof NetworkError) return new LoginError('offline')
  if (err instanceof UnauthorizedError) return new LoginError('invalid', 401)
  if (err instanceof ServerError && err.status === 429) return new LoginError('throttled', 429)
  return new LoginError('server', (err as { status?: number }).status ?? 0)
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
      let answer: unknown
      try {
        answer = await apiFetch('/api/auth/login', {
          auth: false,
          json: { username: name.trim(), password, deviceId: deviceId.value, deviceName: deviceName.value },
          timeoutMs: LOGIN_TIMEOUT_MS,
        })
      } catch (err) {
        throw loginErrorOf(err)
      }
      const parsed = loginResponseSchema.safeParse(answer)
      if (!parsed.success) throw new LoginError('server', 200)
      await saveSession(appDb(), parsed.data, name.trim())
      session.value = parsed.data
      username.value = name.trim()
    } finally {
      loggingIn.value = false
    }
  }

  /**
   * Asks the server who this session belongs to now (grids and role may have changed since the
   * login) and keeps the answer for offline starts. Offline or failing: the kept session stays.
   */
  async function refresh(): Promise<boolean> {
    if (!session.value) return false
    try {
      const me = meResponseSchema.parse(await apiFetch('/api/me'))
      const next = { ...session.value, user: me.user, expiresAt: me.expiresAt }
      await saveSession(appDb(), next, username.value)
      session.value = next
      return true
    } catch {
      return false
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
    if (session.value?.token) {
      await apiFetch('/api/auth/logout', { method: 'POST', timeoutMs: LOGOUT_TIMEOUT_MS }).catch(() => undefined)
    }
    await clearSession(appDb())
    session.value = null
    username.value = ''
  }

  return { session, user, username, deviceId, deviceName, loaded, loggingIn, isLoggedIn, load, login, logout, refresh, pendingCount }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAccountStore, import.meta.hot))
