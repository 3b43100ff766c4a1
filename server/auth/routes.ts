/**
 * Auth routes (DESIGN §5): login, logout, me. Login answers the same way for an unknown user and
 * a wrong password, costs the same time for both, and is throttled per account and per address.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { loginRequestSchema, loginResponseSchema, meResponseSchema, type LoginResponse, type MeResponse } from '../../src/domain/auth'
import { HttpError, unauthorized } from '../errors'
import { decoyHash, verifyPassword } from './password'
import { resolveAuthOptions, type AuthOptions } from './plugin'
import { createSession, isDeviceRevoked, loadProfile, revokeSession, sessionUserOf } from './sessions'
import { clearAccountFailures, forgetAttempt, reserveAttempt, retryAfterSeconds } from './throttle'
import { bearerToken, hashToken, newToken } from './tokens'
import { DEVICE_REVOKED_MESSAGE } from './plugin'

/** Usernames are compared case-insensitively: phone keyboards capitalise the first letter. */
export const normalizeUsername = (username: string) => username.trim().toLowerCase()

const authRoutes: FastifyPluginAsync<AuthOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const { now, throttle, sessionTtlMs } = resolveAuthOptions(opts)

  app.post(
    '/api/auth/login',
    { schema: { body: loginRequestSchema, response: { 200: loginResponseSchema } } },
    async (request): Promise<LoginResponse> => {
      const username = normalizeUsername(request.body.username)
      const address = request.ip
      const t = now()

      const throttled = (wait: number) =>
        new HttpError(429, 'too_many_attempts', `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, {
          'retry-after': String(wait),
        })
      const wait = await retryAfterSeconds(app.db, username, address, throttle, t)
      if (wait > 0) throw throttled(wait)
      // Counted before the password check, so a burst of parallel guesses cannot all slip through.
      const attempt = await reserveAttempt(app.db, username, address, throttle, t)
      if (attempt === null) throw throttled(Math.max(1, await retryAfterSeconds(app.db, username, address, throttle, t)))

      const { rows } = await app.db.query<{ user_id: string; password_hash: string; disabled: boolean }>(
        'SELECT user_id, password_hash, disabled FROM credentials WHERE username = $1',
        [username],
      )
      const cred = rows[0]
      const passwordOk = await verifyPassword(request.body.password, cred?.password_hash ?? (await decoyHash()))
      if (!cred || !passwordOk) throw new HttpError(401, 'invalid_credentials', '用户名或密码错误')
      await forgetAttempt(app.db, attempt)
      // Only someone who knows the password learns that the account or device is switched off.
      const profile = cred.disabled ? null : await loadProfile(app.db, cred.user_id)
      if (!profile) throw new HttpError(403, 'account_disabled', '此账号已停用，请联系管理员')
      if (await isDeviceRevoked(app.db, request.body.deviceId, cred.user_id)) {
        throw new HttpError(403, 'device_revoked', DEVICE_REVOKED_MESSAGE)
      }

      const token = newToken()
      const expiresAt = t + sessionTtlMs
      await app.db.transaction(async (tx) => {
        await createSession(tx, {
          tokenHash: hashToken(token),
          userId: cred.user_id,
          deviceId: request.body.deviceId,
          deviceName: request.body.deviceName?.trim() || null,
          now: t,
          expiresAt,
        })
        await clearAccountFailures(tx, username)
      })
      return { token, user: sessionUserOf(profile), expiresAt }
    },
  )

  // Logout works with any token the caller still holds, even an expired one: it only ever
  // removes access, so there is nothing to authorise.
  app.post('/api/auth/logout', async (request) => {
    const token = bearerToken(request.headers.authorization)
    if (!token) throw unauthorized('缺少 Authorization: Bearer 令牌')
    await revokeSession(app.db, hashToken(token), now())
    return { ok: true }
  })

  app.get(
    '/api/me',
    { preHandler: app.authenticate, schema: { response: { 200: meResponseSchema } } },
    async (request): Promise<MeResponse> => {
      const auth = request.auth!
      const { rows } = await app.db.query<{ expires_at: Date; name: string | null }>(
        `SELECT s.expires_at, d.name FROM sessions s
           LEFT JOIN devices d ON d.id = s.device_id AND d.user_id = s.user_id
          WHERE s.token_hash = $1`,
        [auth.tokenHash],
      )
      return {
        user: auth.user,
        device: { id: auth.deviceId, name: rows[0]?.name ?? null },
        expiresAt: new Date(rows[0].expires_at).getTime(),
      }
    },
  )
}

export default authRoutes
