/**
 * The administration of a street office (issue 18): communities and grids, buildings, people,
 * sign-in links and handover. For admins (everything) and supervisors (their own community, the
 * sync scope rule); see src/domain/administration.ts for who may do what.
 */
import type { FastifyPluginAsync } from 'fastify'
import multipart from '@fastify/multipart'
import gridRoutes, { type AdminOptions } from './grids'
import buildingRoutes from './buildings'
import peopleRoutes from './people'
import settingsRoutes, { type SettingsOptions } from './settings'
import { MAX_UPLOAD_BYTES } from './upload'

const adminRoutes: FastifyPluginAsync<AdminOptions & SettingsOptions> = async (app, opts) => {
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } })
  await app.register(gridRoutes, opts)
  await app.register(buildingRoutes, opts)
  await app.register(peopleRoutes, opts)
  await app.register(settingsRoutes, opts)
}

export default adminRoutes
