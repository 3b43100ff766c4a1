/**
 * `GET /api/supervisor/...`: the aggregates behind the supervisor console (issue 11), for
 * supervisors and admins, each limited to the grids of the caller's scope (server/sync/scope.ts).
 *
 *   overview                                  grid tree and workers, for the pickers
 *   tracks?day=YYYY-MM-DD&workerId=|gridId=   轨迹回放
 *   daily?from=&to=[&gridId=]                 日日巡 calendar (at most 62 days)
 *   coverage?week=YYYY-Www|month=YYYY-MM      走访覆盖
 *   issues?status=active|open|all[&gridId=]   事件督办 (active: not yet 销号 — open, and 已办结 waiting for 评价 / 销号)
 *   issues/:id                                one issue: record, events in server order, names, place
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idSchema } from '../../src/domain/entities'
import { dayOf, dayRange, daysBetween, isoWeekRange, monthRange } from '../../src/domain/calendar'
import { DEFAULT_TIME_ZONE } from '../../src/domain/constants'
import { badRequest } from '../errors'
import { loadScope } from '../sync/scope'
import { chosenGrids, loadGridIndex, loadWorkers } from './grids'
import { zoneOfGrids } from '../repositories/communitySettings'
import { patrolReplays } from './tracks'
import { dailyCalendar } from './daily'
import { visitCoverage } from './coverage'
import { ISSUE_BOARD_FILTERS, issueSupervision } from './issues'
import { issueDetail } from './issueDetail'
import { consoleIssueDetailSchema } from '../../src/domain/consoleIssue'
import { apiErrorSchema } from '../../src/domain/sync'

export interface SupervisorOptions {
  now?: () => number
  /**
   * The server's calendar (FULLGRID_TIME_ZONE). Each answer counts its days in the zone of the
   * community its grids belong to (社区设置, server/repositories/communitySettings.ts); this one
   * serves communities that set none and views across several.
   */
  timeZone?: string
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
const MAX_CALENDAR_DAYS = 62

function rangeOf(value: string, zone: string): { from: number; to: number } {
  const r = dayRange(value, zone)
  if (r === null) throw badRequest(`日期不存在：${value}`)
  return r
}

const supervisorRoutes: FastifyPluginAsync<SupervisorOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const defaultZone = opts.timeZone ?? DEFAULT_TIME_ZONE
  const zoneOf = (gridIds: string[] | null) => zoneOfGrids(app.db, gridIds, defaultZone)
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  const context = async (auth: NonNullable<Parameters<typeof loadScope>[1]>) => {
    const scope = await loadScope(app.db, auth)
    return { scope, index: await loadGridIndex(app.db, scope) }
  }

  app.get('/api/supervisor/overview', { preHandler }, async (request) => {
    const { index } = await context(request.auth!)
    const workers = await loadWorkers(app.db, index)
    return {
      grids: index.visible.map((g) => ({ id: g.id, name: g.name, level: g.level, parentId: g.parentId, code: g.code, boundary: g.boundary })),
      workers,
      now: now(),
    }
  })

  app.get(
    '/api/supervisor/tracks',
    { preHandler, schema: { querystring: z.object({ day, workerId: idSchema.optional(), gridId: idSchema.optional() }) } },
    async (request) => {
      const q = request.query
      if (!q.workerId && !q.gridId) throw badRequest('请选择网格员（workerId）或网格（gridId）')
      const { scope, index } = await context(request.auth!)
      const gridIds = chosenGrids(index, scope, q.gridId)
      const { from, to } = rangeOf(q.day, await zoneOf(gridIds))
      const patrols = await patrolReplays(app.db, index, { from, to, workerId: q.workerId, gridIds })
      return { day: q.day, patrols }
    },
  )

  app.get(
    '/api/supervisor/daily',
    { preHandler, schema: { querystring: z.object({ from: day, to: day, gridId: idSchema.optional() }) } },
    async (request) => {
      const q = request.query
      rangeOf(q.from, defaultZone)
      rangeOf(q.to, defaultZone)
      const days = daysBetween(q.from, q.to)
      if (!days.length) throw badRequest('结束日期不能早于开始日期')
      if (days.length > MAX_CALENDAR_DAYS) throw badRequest(`一次最多查看 ${MAX_CALENDAR_DAYS} 天`)
      const { scope, index } = await context(request.auth!)
      const workers = await loadWorkers(app.db, index)
      const gridIds = chosenGrids(index, scope, q.gridId)
      const zone = await zoneOf(gridIds)
      const today = dayOf(now(), zone)
      const grids = await dailyCalendar(app.db, index, { days, today, timeZone: zone, gridIds })
      return { days, today, grids, workers: workers.map((w) => ({ id: w.id, name: w.name })) }
    },
  )

  app.get(
    '/api/supervisor/coverage',
    {
      preHandler,
      schema: {
        querystring: z.object({
          week: z.string().regex(/^\d{4}-W\d{2}$/, '周的格式应为 YYYY-Www，例如 2026-W48').optional(),
          month: z.string().regex(/^\d{4}-\d{2}$/, '月份格式应为 YYYY-MM').optional(),
          gridId: idSchema.optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query
      if (!q.week === !q.month) throw badRequest('请给出 week（YYYY-Www）或 month（YYYY-MM）其中之一')
      const { scope, index } = await context(request.auth!)
      const gridIds = chosenGrids(index, scope, q.gridId)
      const zone = await zoneOf(gridIds)
      const range = q.week ? isoWeekRange(q.week, zone) : monthRange(q.month!, zone)
      if (!range) throw badRequest(`没有这个${q.week ? '周' : '月份'}：${q.week ?? q.month}`)
      const workers = await loadWorkers(app.db, index)
      return visitCoverage(app.db, index, workers, { ...range, now: now(), timeZone: zone, gridIds })
    },
  )

  app.get(
    '/api/supervisor/issues',
    { preHandler, schema: { querystring: z.object({ status: z.enum(ISSUE_BOARD_FILTERS).optional(), gridId: idSchema.optional() }) } },
    async (request) => {
      const { scope, index } = await context(request.auth!)
      return issueSupervision(app.db, index, { gridIds: chosenGrids(index, scope, request.query.gridId), now: now(), status: request.query.status })
    },
  )

  app.get(
    '/api/supervisor/issues/:id',
    {
      preHandler,
      schema: {
        // Any string: an id that names no issue of the caller's is "not found", malformed or not.
        params: z.object({ id: z.string().max(100) }),
        response: { 200: consoleIssueDetailSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const { index } = await context(request.auth!)
      return issueDetail(app.db, index, request.params.id, now())
    },
  )
}

export default supervisorRoutes
