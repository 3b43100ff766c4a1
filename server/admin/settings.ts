/**
 * 社区设置 (issue 18): a community's name, calendar and phone lock time; the base map shown
 * read-only (it is the server's FULLGRID_TILE_* configuration, one for every community).
 *
 *   GET   /api/admin/communities/:id/settings
 *   PATCH /api/admin/communities/:id/settings    {name?, timeZone?, lockMinutes?}
 *
 * Scope as for the rest of the administration: an admin any community, a supervisor their own
 * (another's is 404: they do not learn it exists), a worker 403. A bad value is a 400 in words
 * and nothing of the request is stored (one transaction: name, settings and the audit entry).
 * The name lives on the community's synced grid record, so phones take a new name by sync; the
 * zone and lock time reach them through /api/config.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idSchema } from '../../src/domain/entities'
import { DEFAULT_TIME_ZONE } from '../../src/domain/constants'
import { nameProblem } from '../../src/domain/administration'
import { lockMinutesProblem, timeZoneLabel, timeZoneProblem, type CommunitySettings } from '../../src/domain/communitySettings'
import { badRequest } from '../errors'
import { loadCommunitySettings, saveCommunitySettings } from '../repositories/communitySettings'
import type { TileConfig } from '../tiles/config'
import { audit, callerOf, communityFor, nextHlc } from './tree'
import { saveGrid } from './grids'

export interface SettingsOptions {
  now?: () => number
  /** The server's FULLGRID_TIME_ZONE: a community's zone until it sets its own. */
  timeZone?: string
  tiles?: TileConfig
}

/** The canonical spelling of a zone Intl accepts (`asia/shanghai` → `Asia/Shanghai`). */
function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
}

const settingsRoutes: FastifyPluginAsync<SettingsOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const defaultZone = opts.timeZone ?? opts.tiles?.timeZone ?? DEFAULT_TIME_ZONE
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  const caller = (request: FastifyRequest) => callerOf(app.db, request.auth!)
  const tiles = opts.tiles
    ? { configured: !!opts.tiles.upstream, crs: opts.tiles.crs, attribution: opts.tiles.attribution, maxZoom: opts.tiles.maxZoom }
    : { configured: false, crs: 'wgs84' as const, attribution: '', maxZoom: 18 }

  async function answer(community: { id: string; name: string; code: string }) {
    return {
      community: { id: community.id, name: community.name, code: community.code },
      settings: await loadCommunitySettings(app.db, community.id, defaultZone),
      defaults: { timeZone: defaultZone },
      tiles,
    }
  }

  app.get(
    '/api/admin/communities/:id/settings',
    { preHandler, schema: { params: z.object({ id: idSchema }) } },
    async (request) => answer(await communityFor(app.db, await caller(request), request.params.id)),
  )

  app.patch(
    '/api/admin/communities/:id/settings',
    {
      preHandler,
      schema: {
        params: z.object({ id: idSchema }),
        body: z.object({ name: z.string().max(200).optional(), timeZone: z.string().max(100).optional(), lockMinutes: z.number().optional() }),
      },
    },
    async (request) => {
      const c = await caller(request)
      const community = await communityFor(app.db, c, request.params.id)
      const body = request.body
      const before = await loadCommunitySettings(app.db, community.id, defaultZone)
      const name = body.name === undefined ? community.name : body.name.trim()
      const problems = [
        body.name === undefined ? null : nameProblem(name, '社区名称'),
        body.timeZone === undefined ? null : timeZoneProblem(body.timeZone),
        body.lockMinutes === undefined ? null : lockMinutesProblem(body.lockMinutes),
      ].filter((p): p is string => !!p)
      if (problems.length) throw badRequest(problems.join('；'), 'invalid_settings')
      const next: CommunitySettings = {
        timeZone: body.timeZone === undefined ? before.timeZone : canonicalZone(body.timeZone.trim()),
        lockMinutes: body.lockMinutes ?? before.lockMinutes,
      }
      // The audit entry says what changed, in words (src/features/supervisor/ledgerIo.models.ts).
      const changes = [
        name !== community.name ? `名称：${community.name} → ${name}` : '',
        next.timeZone !== before.timeZone ? `时区：${timeZoneLabel(before.timeZone)} → ${timeZoneLabel(next.timeZone)}` : '',
        next.lockMinutes !== before.lockMinutes ? `自动锁定：${before.lockMinutes} 分钟 → ${next.lockMinutes} 分钟` : '',
      ].filter(Boolean)
      if (!changes.length) return answer(community)
      const saved = await app.db.transaction(async (tx) => {
        const renamed = name !== community.name ? await saveGrid(tx, { ...community, name, hlc: nextHlc(community.hlc, now()) }) : community
        await saveCommunitySettings(tx, community.id, next, c.userId)
        await audit(tx, c.userId, 'admin.community.settings', { communityId: community.id, community: renamed.name, changes })
        return renamed
      })
      return answer(saved)
    },
  )
}

export default settingsRoutes
