/**
 * Who is logged in on this phone. The session lives in IndexedDB (src/db/session.ts), so the app
 * opens to the tabs with no network; the network is needed only to log in and (best effort) out.
 * The IndexedDB, zod and HTTP parts load lazily (account.data.ts) to keep the entry chunk small.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LoginResponse } from '@/domain/auth'
import { appDbIsAbsent } from '@/db/appDbName'
import { deviceNameFromUserAgent } from './device'
import { rememberSessionHint } from './sessionHint'

export { LoginError, type LoginErrorCode } from './loginError'

const boot = () => import('./account.boot')
const data = () => import('./account.data')

export const useAccountStore = defineStore('account', () => {
  const session = ref<LoginResponse | null>(null)
  const username = ref('')
  const deviceId = ref('')
  const deviceName = ref(deviceNameFromUserAgent(globalThis.navigator?.userAgent ?? ''))
  const loaded = ref(false)
  const loggingIn = ref(false)

  const user = computed(() => session.value?.user ?? null)
  const isLoggedIn = computed(() => session.value !== null)

  /**
   * Read the device id and the kept session; once per app start (the router guard awaits it).
   * A phone without the app's database (a new phone) has no session: the login page shows
   * without loading Dexie and the schemas (issue 20); the device id is made at the login.
   */
  async function load(): Promise<void> {
    try {
      if (await appDbIsAbsent()) {
        session.value = null
        return
      }
      const b = await boot()
      deviceId.value = await b.deviceId()
      const stored = await b.storedSession()
      session.value = stored?.session ?? null
      username.value = stored?.username ?? ''
    } catch (err) {
      // IndexedDB unavailable (private mode, storage blocked): open at the login page rather than hang.
      console.error('[account] could not read the local session', err)
      session.value = null
    } finally {
      loaded.value = true
      rememberSessionHint(session.value !== null)
    }
  }

  async function login(name: string, password: string): Promise<void> {
    loggingIn.value = true
    try {
      const d = await data()
      if (!deviceId.value) deviceId.value = await d.deviceId()
      const answer = await d.login({ username: name.trim(), password, deviceId: deviceId.value, deviceName: deviceName.value })
      session.value = answer
      username.value = name.trim()
      rememberSessionHint(true)
    } finally {
      loggingIn.value = false
    }
  }

  /**
   * The phone side of the console's QR code: set the password of the one-time link and keep the
   * session as login() does, so the shell's first sync (the first download) starts the same way.
   */
  async function signInWithLink(token: string, password: string): Promise<void> {
    loggingIn.value = true
    try {
      const d = await data()
      if (!deviceId.value) deviceId.value = await d.deviceId()
      const answer = await d.signInWithLink({ token, password, deviceId: deviceId.value, deviceName: deviceName.value })
      session.value = answer.session
      username.value = answer.username
      rememberSessionHint(true)
    } finally {
      loggingIn.value = false
    }
  }

  /** 修改密码 on 我的; needs the network, throws the API client's error (its message is readable). */
  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await (await data()).changePassword({ currentPassword, newPassword })
  }

  /**
   * Asks the server who this session belongs to now (grids and role may have changed since the
   * login) and keeps the answer for offline starts. Offline or failing: the kept session stays.
   */
  async function refresh(): Promise<boolean> {
    if (!session.value) return false
    const next = await (await data()).refreshed(session.value, username.value)
    if (!next) return false
    session.value = next
    return true
  }

  /** Changes not yet accepted by the server; logging out asks first when there are any. */
  async function pendingCount(): Promise<number> {
    return (await data()).pendingCount()
  }

  /**
   * Forget the login on this phone. The server is told when it can be reached (it revokes the
   * token); with no signal the local logout still happens. The phone's records, the outbox among
   * them, and the data key are deleted (issue 19): the caller asks first while any are unsynced.
   */
  async function logout(): Promise<void> {
    await (await data()).logout(Boolean(session.value?.token))
    rememberSessionHint(false)
    session.value = null
    username.value = ''
  }

  /**
   * 忘记PIN码: sign in again with the password, as the account whose records the phone holds, on
   * this device. Throws LoginError (offline, wrong password, …); `false` when the phone cannot
   * be opened that way (the caller offers to start over).
   */
  async function recoverPin(password: string, account = ''): Promise<boolean> {
    loggingIn.value = true
    try {
      const d = await data()
      if (!deviceId.value) deviceId.value = await d.deviceId()
      const name = username.value || account || (await d.owner())
      const answer = await d.recoverPin({ username: name, password, deviceId: deviceId.value, deviceName: deviceName.value })
      session.value = answer.session
      username.value = name
      rememberSessionHint(true)
      return answer.recovered
    } finally {
      loggingIn.value = false
    }
  }

  /**
   * 重新登录 when the server no longer accepts the session: the token goes, the records, the
   * outbox and the PIN stay for the same account's next login.
   */
  async function relogin(): Promise<void> {
    await (await data()).endExpiredSession()
    rememberSessionHint(false)
    session.value = null
  }

  return { session, user, username, deviceId, deviceName, loaded, loggingIn, isLoggedIn, load, login, signInWithLink, recoverPin, changePassword, logout, relogin, refresh, pendingCount }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAccountStore, import.meta.hot))
