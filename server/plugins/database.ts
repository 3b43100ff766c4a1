/**
 * The database plugin: decorates `app.db` (server/types.ts) for every route and, when the app owns
 * the database (`close: true`, as server/main.ts passes), closes it in onClose — after the routes
 * have stopped, so no request meets a closed database. Tests open and close their database
 * themselves (one database, several apps), so by default the plugin leaves it open.
 */
import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import type { Database } from '../db/adapter'
import '../types'

export interface DatabasePluginOptions {
  db: Database
  /** Close the database when the app closes. */
  close?: boolean
}

const databasePlugin: FastifyPluginAsync<DatabasePluginOptions> = async (app, opts) => {
  app.decorate('db', opts.db)
  if (opts.close) app.addHook('onClose', async () => opts.db.close())
}

export default fp(databasePlugin, { name: 'fullgrid-database', fastify: '5.x' })
