/**
 * What the account store needs from IndexedDB, zod and the network. Loaded lazily by
 * account.store.ts, so Dexie, zod and the HTTP client stay out of the entry chunk (DESIGN §6):
 * they arrive in parallel with the first page's own code instead of before it.
 */
import { z } from 'zod'
import { loginAnswerSchema, meResponseSchema, type LoginResponse } from '@/domain/auth'
import { appDb } from '@/db/appDb'
import { clearSession, endSession, pendingChangeCount, saveSession, sessionOwner } from '@/db/session'
import { holdRecoveryKey, recoverWith, wipePhone } from '@/db/phoneLock'
import { apiFetch, NetworkError, ProtocolError, ServerError, UnauthorizedError } from './api'
import { LoginError } from './loginError'

const LOGIN_TIMEOUT_MS = 15_000
const LOGOUT_TIMEOUT_MS = 3_000

/** The login page's words for a failed request (no answer, wrong password, too many tries, other). */
function loginErrorOf(err: unknown): LoginError {
  if (err instanceof NetworkError) return new LoginError('offline')
  if (err instanceof UnauthorizedError) return new LoginError('invalid', 401)
  if (err instanceof ServerError && err.status === 429) return new LoginError('throttled', 429)
  return new LoginError('server', (err as { status?: number }).status ?? 0)
}

export { deviceId } from './account.boot'

type LoginBody = { username: string; password: string; deviceId: string; deviceName: string }

/** The password login's answer, parsed; failures in the login page's words. */
async function askLogin(body: LoginBody) {
  let answer: unknown
  try {
    answer = await apiFetch('/api/auth/login', { auth: false, json: body, timeoutMs: LOGIN_TIMEOUT_MS })
  } catch (err) {
    throw loginErrorOf(err)
  }
  const parsed = loginAnswerSchema.safeParse(answer)
  if (!parsed.success) throw new LoginError('server', 200)
  return parsed.data
}

export async function login(body: LoginBody): Promise<LoginResponse> {
  const { recoveryKey, ...session } = await askLogin(body)
  await keepSession(session, body.username)
  await holdRecoveryKey(recoveryKey)
  return session
}

/**
 * 忘记PIN码: the password of the account whose records these are, on this same device, brings
 * the device's recovery secret, which opens the same data key; the records and the outbox stay.
 * Resolves false when this phone cannot be recovered (no recovery wrap, another device's secret).
 */
export async function recoverPin(body: LoginBody): Promise<{ session: LoginResponse; recovered: boolean }> {
  const { recoveryKey, ...session } = await askLogin(body)
  await saveSession(appDb(), session, body.username)
  return { session, recovered: await recoverWith(recoveryKey) }
}

/**
 * A login after 重新登录 finds the same account's records and outbox kept; another account's
 * login never sees them: the phone is wiped first, key included.
 */
async function keepSession(session: LoginResponse, username: string): Promise<void> {
  const owner = await sessionOwner(appDb())
  if (owner && owner !== username) await wipePhone()
  await saveSession(appDb(), session, username)
}

// The sign-in link's answer is a login's plus the account name, which the phone never typed.
const linkAnswerSchema = loginAnswerSchema.extend({ username: z.string().min(1) })

/**
 * Sets the password of a one-time sign-in link (the console's QR code) and keeps the session it
 * opens exactly as a login does. Errors pass through as the API client's (NetworkError, a 410
 * ServerError for a used, expired or revoked link, …): the link page says which in its words.
 */
export async function signInWithLink(body: { token: string; password: string; deviceId: string; deviceName: string }): Promise<{ session: LoginResponse; username: string }> {
  const answer = await apiFetch('/api/auth/sign-in-link', { auth: false, json: body, timeoutMs: LOGIN_TIMEOUT_MS })
  const parsed = linkAnswerSchema.safeParse(answer)
  if (!parsed.success) throw new ProtocolError('服务器的回答无法识别，请稍后重试', 'sign-in-link: the answer is not a session')
  const { username, recoveryKey, ...session } = parsed.data
  await keepSession(session, username)
  await holdRecoveryKey(recoveryKey)
  return { session, username }
}

/** 修改密码: the server checks the current password (400 with its reason when wrong). */
export async function changePassword(body: { currentPassword: string; newPassword: string }): Promise<void> {
  await apiFetch('/api/me/password', { json: body, timeoutMs: LOGIN_TIMEOUT_MS })
}

/** The server's view of this session now; null when it cannot be asked (the kept session stays). */
export async function refreshed(current: LoginResponse, username: string): Promise<LoginResponse | null> {
  try {
    const me = meResponseSchema.parse(await apiFetch('/api/me'))
    const next = { ...current, user: me.user, expiresAt: me.expiresAt }
    await saveSession(appDb(), next, username)
    return next
  } catch {
    return null
  }
}

export function owner(): Promise<string> {
  return sessionOwner(appDb())
}

export function pendingCount(): Promise<number> {
  return pendingChangeCount(appDb())
}

/** 重新登录 after the server refused the session: the records stay for the same account. */
export async function endExpiredSession(): Promise<void> {
  await endSession(appDb())
}

/**
 * Logout takes the phone's records with it (issue 19, DESIGN §8.4): the data key and every sealed
 * row, the outbox included — the page has warned of unsynced records first.
 */
export async function logout(hasToken: boolean): Promise<void> {
  if (hasToken) await apiFetch('/api/auth/logout', { method: 'POST', timeoutMs: LOGOUT_TIMEOUT_MS }).catch(() => undefined)
  await clearSession(appDb())
  await wipePhone()
}
