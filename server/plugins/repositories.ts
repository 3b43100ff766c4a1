/**
 * The repositories plugin: one repository per concern, decorated as `app.repos` (server/types.ts),
 * each built on `app.db` and taking an optional transaction per call. Depends on the database plugin.
 */
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { createAccountRepository } from '../repositories/accounts'
import { createBlobRepository } from '../repositories/blobs'
import { createDeviceRepository } from '../repositories/devices'
import { createLoginFailureRepository } from '../repositories/loginFailures'
import '../types'

export function createRepositories(db: Parameters<typeof createDeviceRepository>[0]) {
  return {
    accounts: createAccountRepository(db),
    blobs: createBlobRepository(db),
    devices: createDeviceRepository(db),
    loginFailures: createLoginFailureRepository(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>

const repositoriesPlugin: FastifyPluginAsync = async (app) => {
  app.decorate('repos', createRepositories(app.db))
}

export default fp(repositoriesPlugin, { name: 'fullgrid-repositories', fastify: '5.x', dependencies: ['fullgrid-database'] })
