/**
 * What the server's plugins add to Fastify, in one place so every route sees the same shapes.
 * `app.db` is decorated by the database plugin, `app.repos` by the repositories plugin,
 * `app.blobStore` by the blob store plugin (server/plugins/); `app.authenticate` and
 * `request.auth` by the auth plugin.
 */
import type { FastifyReply } from 'fastify'
import type { Role } from '../src/domain/entities'
import type { SessionUser } from '../src/domain/auth'
import type { Database } from './db/adapter'
import type { Repositories } from './plugins/repositories'
import type { BlobStore } from './sync/blobStore'

/** Who is calling: the user of a valid, unrevoked session on an unrevoked device. */
export interface AuthContext {
  userId: string
  username: string
  role: Role
  /** Grids assigned to the user (the users record); micro-grids below them are added by sync scope. */
  gridIds: string[]
  deviceId: string
  user: SessionUser
  /** SHA-256 of the bearer token, to revoke this session on logout. */
  tokenHash: string
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    /** Repositories per concern; each method takes an optional transaction. */
    repos: Repositories
    /** Photo bytes as files. */
    blobStore: BlobStore
    /** preHandler: answers 401 unless the request carries a valid session; sets request.auth. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** preHandler factory: 403 unless request.auth.role is one of `roles`. */
    requireRole: (...roles: Role[]) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
  interface FastifyRequest {
    auth: AuthContext | null
  }
}
