/**
 * Auth routes (DESIGN §5): login, logout, me. Login answers the same way for an unknown user and
 * a wrong password, costs the same time for both, and is throttled (server/auth/throttle.ts).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  loginAnswerSchema,
  loginRequestSchema,
  type LoginAnswer,
  meResponseSchema,
  type MeResponse,
  type SessionUser,
} from '../../src/domain/auth'
import type { User } from '../../src/domain/entities'
import { apiErrorSchema } from '../../src/domain/sync'
import { HttpError, unauthorized } from '../errors'
import { decoyHash, hashPassword, verifyPassword } from './password'
import { passwordProblem, SIGN_IN_LINK_REFUSALS } from '../../src/domain/administration'
import { consumeSignInLink } from '../admin/signInLinks'
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
    { schema: { body: loginRequestSchema, response: { 200: loginAnswerSchema, ...errors } } },
    async (request): Promise<LoginAnswer> => {
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
      const recovery = await app.db.transaction((tx) => devices.createSession(session, tx))
      return { token, user: sessionUserOf(profile), expiresAt, recoveryKey: Buffer.from(recovery).toString('base64url') }
    },
  )

  // 扫码登录 (issue 18): a one-time link from the console sets the password and opens a session,
  // as a login would; the link is used up in the same transaction (signInLinks.ts).
  app.post(
    '/api/auth/sign-in-link',
    {
      schema: {
        body: z.object({ token: z.string().min(1).max(200), password: z.string().max(200), deviceId: loginRequestSchema.shape.deviceId, deviceName: z.string().max(100).optional() }),
        response: { 200: loginAnswerSchema.extend({ username: z.string() }), 410: apiErrorSchema, ...errors },
      },
    },
    async (request) => {
      const { token, password, deviceId } = request.body
      const weak = passwordProblem(password)
      if (weak) throw new HttpError(400, 'weak_password', weak)
      const t = now()
      const hash = await hashPassword(password)
      return app.db.transaction(async (tx) => {
        const taken = await consumeSignInLink(tx, token, deviceId, t)
        if (!taken) throw new HttpError(410, 'link_unknown', '这个二维码无效，请向督导索取新的二维码')
        if (taken.state !== 'valid') throw new HttpError(410, `link_${taken.state}`, SIGN_IN_LINK_REFUSALS[taken.state])
        const { rows } = await tx.query<{ username: string; disabled: boolean }>('SELECT username, disabled FROM credentials WHERE user_id = $1::uuid', [taken.link.userId])
        const profile = rows[0] && !rows[0].disabled ? await accounts.profile(taken.link.userId, tx) : null
        if (!profile) throw new HttpError(403, 'account_disabled', '此账号已停用，请联系管理员')
        if (await devices.isRevoked(deviceId, taken.link.userId, tx)) throw new HttpError(403, 'device_revoked', DEVICE_REVOKED_MESSAGE)
        await tx.query('UPDATE credentials SET password_hash = $2 WHERE user_id = $1::uuid', [taken.link.userId, hash])
        const sessionToken = newToken()
        const expiresAt = t + sessionTtlMs
        const recovery = await devices.createSession(
          { tokenHash: hashToken(sessionToken), userId: taken.link.userId, deviceId, deviceName: request.body.deviceName?.trim() || null, now: t, expiresAt },
          tx,
        )
        await tx.query(`INSERT INTO audit_log (user_id, action, detail) VALUES ($1::uuid, 'auth.sign_in_link', $2::jsonb)`, [
          taken.link.userId,
          JSON.stringify({ linkId: taken.link.id, name: profile.name, deviceId }),
        ])
        return { token: sessionToken, user: sessionUserOf(profile), expiresAt, username: rows[0].username, recoveryKey: Buffer.from(recovery).toString('base64url') }
      })
    },
  )

  app.post(
    '/api/me/password',
    {
      preHandler: app.authenticate,
      schema: { body: z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) }), response: { 200: z.object({ ok: z.literal(true) }), ...errors } },
    },
    async (request) => {
      const auth = request.auth!
      const weak = passwordProblem(request.body.newPassword)
      if (weak) throw new HttpError(400, 'weak_password', weak)
      const { rows } = await app.db.query<{ password_hash: string }>('SELECT password_hash FROM credentials WHERE user_id = $1::uuid', [auth.userId])
      if (!rows[0] || !(await verifyPassword(request.body.currentPassword, rows[0].password_hash))) {
        throw new HttpError(400, 'wrong_password', '当前密码不正确')
      }
      const hash = await hashPassword(request.body.newPassword)
      await app.db.transaction(async (tx) => {
        await tx.query('UPDATE credentials SET password_hash = $2 WHERE user_id = $1::uuid', [auth.userId, hash])
        await tx.query(`INSERT INTO audit_log (user_id, action, detail) VALUES ($1::uuid, 'auth.password_change', $2::jsonb)`, [auth.userId, JSON.stringify({ name: auth.user.name })])
      })
      return { ok: true as const }
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
