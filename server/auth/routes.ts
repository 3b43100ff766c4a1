/**
 * Auth routes (DESIGN §5): login, logout, me. Login answers the same way for an unknown user and
 * a wrong password, costs the same time for both, and is throttled (server/auth/throttle.ts).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  loginRequestSchema,
  loginResponseSchema,
  meResponseSchema,
  type LoginResponse,
  type MeResponse,
  type SessionUser,
} from '../../src/domain/auth'
import type { User } from '../../src/domain/entities'
import { apiErrorSchema } from '../../src/domain/sync'
import { HttpError, unauthorized } from '../errors'
import { decoyHash, verifyPassword } from './password'
import { DEVICE_REVOKED_MESSAGE, resolveAuthOptions, type AuthOptions } from './plugin'
import { createThrottle } from './throttle'
import { bearerToken, hashToken, newToken } from './tokens'

/** Usernames are compared case-insensitively: phone keyboards capitalise the first letter. */
export const normalizeUsername = (username: string) => username.trim().toLowerCase()

export function sessionUserOf(user: User): SessionUser {
  return { id: user.id, name: user.name, role: user.role, gridIds: user.gridIds }
}

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 429: apiErrorSchema }

const authRoutes: FastifyPluginAsync<AuthOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const { now, throttle: limits, sessionTtlMs } = resolveAuthOptions(opts)
  const throttle = createThrottle(app.repos.loginFailures, limits)
  const { accounts, devices } = app.repos

  app.post(
    '/api/auth/login',
    { schema: { body: loginRequestSchema, response: { 200: loginResponseSchema, ...errors } } },
    async (request): Promise<LoginResponse> => {
      const username = normalizeUsername(request.body.username)
      const { deviceId } = request.body
      const attempt = { username, address: request.ip, deviceId }
      const t = now()

      const throttled = (wait: number) =>
        new HttpError(429, 'too_many_attempts', `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, {
          'retry-after': String(wait),
        })
      // A phone that signed in to this account before keeps its own allowance (throttle.ts).
      const known = await devices.isKnown(username, deviceId)
      const wait = await throttle.retryAfter(attempt, known, t)
      if (wait > 0) throw throttled(wait)
      // Counted before the password check, so a burst of parallel guesses cannot all slip through.
      const attemptId = await throttle.reserve(attempt, known, t)
      if (attemptId === null) throw throttled(Math.max(1, await throttle.retryAfter(attempt, known, t)))

      const cred = await accounts.credentials(username)
      const passwordOk = await verifyPassword(request.body.password, cred?.passwordHash ?? (await decoyHash()))
      if (!cred || !passwordOk) {
        await throttle.failed(attemptId)
        throw new HttpError(401, 'invalid_credentials', '用户名或密码错误')
      }
      await throttle.succeeded(attemptId, username)
      // Only someone who knows the password learns that the account or device is switched off.
      const profile = cred.disabled ? null : await accounts.profile(cred.userId)
      if (!profile) throw new HttpError(403, 'account_disabled', '此账号已停用，请联系管理员')
      if (await devices.isRevoked(deviceId, cred.userId)) throw new HttpError(403, 'device_revoked', DEVICE_REVOKED_MESSAGE)

      const token = newToken()
      const expiresAt = t + sessionTtlMs
      const session = { tokenHash: hashToken(token), userId: cred.userId, deviceId, deviceName: request.body.deviceName?.trim() || null, now: t, expiresAt }
      await app.db.transaction((tx) => devices.createSession(session, tx))
      return { token, user: sessionUserOf(profile), expiresAt }
    },
  )

  // Logout works with any token the caller still holds, even an expired one: it only ever
  // removes access, so there is nothing to authorise.
  app.post(
    '/api/auth/logout',
    { schema: { response: { 200: z.object({ ok: z.literal(true) }), 401: apiErrorSchema } } },
    async (request) => {
      const token = bearerToken(request.headers.authorization)
      if (!token) throw unauthorized('缺少 Authorization: Bearer 令牌')
      await devices.revokeSession(hashToken(token), now())
      return { ok: true as const }
    },
  )

  app.get(
    '/api/me',
    { preHandler: app.authenticate, schema: { response: { 200: meResponseSchema, 401: apiErrorSchema } } },
    async (request): Promise<MeResponse> => {
      const auth = request.auth!
      const info = await devices.sessionInfo(auth.tokenHash)
      return {
        user: auth.user,
        device: { id: auth.deviceId, name: info?.deviceName ?? null },
        expiresAt: info!.expiresAt,
      }
    },
  )
}

export default authRoutes
