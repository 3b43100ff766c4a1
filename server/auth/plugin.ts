/**
 * The auth plugin: decorates `app.authenticate`, `app.requireRole` and `request.auth` exactly as
 * server/types.ts declares. Wrapped by fastify-plugin so the decorations reach every route.
 * Routes opt in with `preHandler: app.authenticate` (and `app.requireRole(...)` after it).
 */
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../../src/domain/entities'
import { userSchema } from '../../src/domain/entities'
import { forbidden, HttpError, unauthorized } from '../errors'
import { bearerToken, hashToken, SESSION_TTL_MS } from './tokens'
import { DEFAULT_THROTTLE, type ThrottleLimits } from './throttle'
import '../types'

export interface AuthOptions {
  /** Clock in UTC ms (tests move it to expire sessions and throttles). */
  now?: () => number
  throttle?: Partial<ThrottleLimits>
  sessionTtlMs?: number
}

export interface ResolvedAuthOptions {
  now: () => number
  throttle: ThrottleLimits
  sessionTtlMs: number
}

export function resolveAuthOptions(opts: AuthOptions = {}): ResolvedAuthOptions {
  return {
    now: opts.now ?? Date.now,
    throttle: { ...DEFAULT_THROTTLE, ...opts.throttle },
    sessionTtlMs: opts.sessionTtlMs ?? SESSION_TTL_MS,
  }
}

export const DEVICE_REVOKED_MESSAGE = '此设备已被停用，无法继续使用；如有疑问请联系网格长或管理员'
export const deviceRevoked = () => new HttpError(401, 'device_revoked', DEVICE_REVOKED_MESSAGE)

/** last_seen is bookkeeping, not a log: write it at most this often per device. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000

const authPlugin: FastifyPluginAsync<AuthOptions> = async (app, opts) => {
  const { now } = resolveAuthOptions(opts)

  app.decorateRequest('auth', null)

  app.decorate('authenticate', async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request.headers.authorization)
    if (!token) throw unauthorized('请先登录（缺少 Authorization: Bearer 令牌）')
    const tokenHash = hashToken(token)
    const s = await app.repos.devices.findSession(tokenHash)
    if (!s) throw unauthorized('登录令牌无效，请重新登录')
    // A revoked device outranks everything else: the phone must learn it was switched off.
    if (s.device_revoked_at) throw deviceRevoked()
    if (s.revoked_at) throw unauthorized('已退出登录，请重新登录')
    const t = now()
    if (new Date(s.expires_at).getTime() <= t) throw unauthorized('登录已过期，请重新登录')
    if (s.disabled) throw unauthorized('此账号已停用，请联系管理员', 'account_disabled')
    const profile = s.profile_deleted ? null : userSchema.safeParse(s.profile)
    if (!profile?.success) throw unauthorized('此账号已停用或不存在，请联系管理员', 'account_disabled')
    const user = profile.data

    if (!s.last_seen || new Date(s.last_seen).getTime() < t - LAST_SEEN_RESOLUTION_MS) {
      await app.repos.devices.touch(s.device_id, s.user_id, t)
    }

    request.auth = {
      userId: user.id,
      username: s.username,
      role: user.role,
      gridIds: user.gridIds,
      deviceId: s.device_id,
      user: { id: user.id, name: user.name, role: user.role, gridIds: user.gridIds },
      tokenHash,
    }
  })

  app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.auth) throw unauthorized()
    if (!roles.includes(request.auth.role)) throw forbidden()
  })
}

export default fp(authPlugin, { name: 'fullgrid-auth', fastify: '5.x', dependencies: ['fullgrid-repositories'] })
