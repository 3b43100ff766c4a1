/** `GET /api/reports/weekly?week=2026-W48[&format=xlsx][&gridId=]`: 周报 as JSON or a workbook. */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idSchema } from '../../src/domain/entities'
import { isoWeekRange } from '../../src/domain/calendar'
import { DEFAULT_TIME_ZONE } from '../../src/domain/constants'
import { formatWeek } from '../../src/ui/time'
import { badRequest } from '../errors'
import { loadScope } from '../sync/scope'
import { chosenGrids, loadGridIndex } from '../supervisor/grids'
import { weeklyReport } from './weekly'
import { zoneOfGrids } from '../repositories/communitySettings'
import { weeklyWorkbook } from './xlsx'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export interface ReportsOptions {
  /** The server's calendar (FULLGRID_TIME_ZONE); a community's own zone (社区设置) wins for its grids. */
  timeZone?: string
}

const reportsRoutes: FastifyPluginAsync<ReportsOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const defaultZone = opts.timeZone ?? DEFAULT_TIME_ZONE
  app.get(
    '/api/reports/weekly',
    {
      preHandler: [app.authenticate, app.requireRole('supervisor', 'admin')],
      schema: {
        querystring: z.object({
          week: z.string().regex(/^\d{4}-W\d{2}$/, '周的格式应为 YYYY-Www，例如 2026-W48'),
          format: z.enum(['json', 'xlsx']).optional(),
          gridId: idSchema.optional(),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query
      const scope = await loadScope(app.db, request.auth!)
      const index = await loadGridIndex(app.db, scope)
      const gridIds = chosenGrids(index, scope, q.gridId)
      // Where the week begins and ends: in the calendar of the community these grids belong to.
      const zone = await zoneOfGrids(app.db, gridIds, defaultZone)
      const range = isoWeekRange(q.week, zone)
      if (!range) throw badRequest(`没有这一周：${q.week}`)
      const report = await weeklyReport(app.db, index, { week: q.week, ...range, timeZone: zone, gridIds })
      if (q.format !== 'xlsx') return report
      const body = await weeklyWorkbook(report, zone)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="weekly-${q.week}.xlsx"; filename*=UTF-8''${encodeURIComponent(`周报 ${formatWeek(q.week, 'zh-CN', { year: true })}.xlsx`)}`)
        .send(body)
    },
  )
}

export default reportsRoutes
