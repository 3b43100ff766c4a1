/** `GET /api/reports/weekly?week=2026-W48[&format=xlsx][&gridId=]`: 周报 as JSON or a workbook. */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idSchema } from '../../src/domain/entities'
import { isoWeekRange } from '../../src/domain/weeks'
import { badRequest } from '../errors'
import { loadScope } from '../sync/scope'
import { chosenGrids, loadGridIndex } from '../supervisor/grids'
import { weeklyReport } from './weekly'
import { weeklyWorkbook } from './xlsx'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const reportsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
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
      const range = isoWeekRange(q.week)
      if (!range) throw badRequest(`没有这一周：${q.week}`)
      const scope = await loadScope(app.db, request.auth!)
      const index = await loadGridIndex(app.db, scope)
      const report = await weeklyReport(app.db, index, { week: q.week, ...range, gridIds: chosenGrids(index, scope, q.gridId) })
      if (q.format !== 'xlsx') return report
      const body = await weeklyWorkbook(report)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="weekly-${q.week}.xlsx"; filename*=UTF-8''${encodeURIComponent(`周报-${q.week}.xlsx`)}`)
        .send(body)
    },
  )
}

export default reportsRoutes
