/**
 * The ledger in and out of Excel, for supervisors and admins:
 *
 *   POST /api/import/households?gridId=…&dryRun=1|0   multipart field `file` (.xlsx), optional
 *        field `mapping` (JSON {"<header | letter | number>": "<field>" | null}, see ./columns.ts)
 *        → {imported, skipped, errors: [{row, column?, message}], sheetColumns, preview, …}
 *          (see ./import.ts)
 *   GET  /api/export/households.xlsx[?gridId=…]         masked; written to the audit log
 *   GET  /api/audit?limit=&action=                      the audit log, newest first
 */
import multipart from '@fastify/multipart'
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idSchema } from '../../src/domain/entities'
import { badRequest, HttpError, parseWith } from '../errors'
import { loadScope } from '../sync/scope'
import { chosenGrids, loadGridIndex } from '../supervisor/grids'
import { columnMappingSchema, type ColumnMapping } from './columns'
import { MappingError, readLedgerWorkbook, WorkbookError } from './workbook'
import { importHouseholds } from './import'
import { audit } from '../repositories/audit'
import { exportHouseholds } from './export'

export interface LedgerIoOptions {
  now?: () => number
}

const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const ledgerIoRoutes: FastifyPluginAsync<LedgerIoOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  await app.register(multipart, { limits: { fileSize: MAX_WORKBOOK_BYTES, files: 1, fields: 10 } })

  app.post(
    '/api/import/households',
    {
      preHandler,
      schema: { querystring: z.object({ gridId: idSchema, dryRun: z.enum(['0', '1', 'true', 'false']).optional() }) },
    },
    async (request) => {
      if (!request.isMultipart()) throw badRequest('请以 multipart/form-data 上传，文件放在 file 字段')
      const scope = await loadScope(app.db, request.auth!)
      const index = await loadGridIndex(app.db, scope)
      chosenGrids(index, scope, request.query.gridId)
      let bytes: Buffer | null = null
      let fileName = ''
      let mapping: ColumnMapping | undefined
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file') {
          bytes = await part.toBuffer().catch((err: unknown) => {
            if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
              throw new HttpError(413, 'payload_too_large', `文件过大（上限 ${MAX_WORKBOOK_BYTES / 1024 / 1024} MB）`)
            }
            throw err
          })
          fileName = part.filename
        } else if (part.type === 'file') await part.toBuffer()
        else if (part.fieldname === 'mapping') mapping = parseMapping(part.value)
      }
      if (!bytes) throw badRequest('没有收到文件：请把台账 .xlsx 放在 file 字段上传')
      let sheet
      try {
        sheet = await readLedgerWorkbook(bytes, mapping)
      } catch (err) {
        if (err instanceof MappingError) throw badRequest(err.message, 'invalid_mapping')
        if (err instanceof WorkbookError) throw new HttpError(422, 'unreadable_workbook', err.message)
        throw err
      }
      const dryRun = request.query.dryRun === '1' || request.query.dryRun === 'true'
      return importHouseholds(app.db, index, sheet, { gridId: request.query.gridId, dryRun, userId: request.auth!.userId, now: now(), fileName })
    },
  )

  app.get(
    '/api/export/households.xlsx',
    { preHandler, schema: { querystring: z.object({ gridId: idSchema.optional() }) } },
    async (request, reply) => {
      const scope = await loadScope(app.db, request.auth!)
      const index = await loadGridIndex(app.db, scope)
      const gridIds = chosenGrids(index, scope, request.query.gridId)
      const { bytes, rows } = await exportHouseholds(app.db, index, gridIds)
      await audit(app.db, request.auth!.userId, 'export_households', { gridId: request.query.gridId ?? null, rows, masked: true })
      return reply
        .type(XLSX)
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="households.xlsx"; filename*=UTF-8''${encodeURIComponent('居民信息台账.xlsx')}`)
        .send(bytes)
    },
  )

  app.get(
    '/api/audit',
    {
      preHandler,
      schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), action: z.string().max(64).optional() }) },
    },
    async (request) => {
      const { rows } = await app.db.query<{ id: number; at: Date; user_id: string | null; user_name: string | null; action: string; detail: unknown }>(
        `SELECT a.id, a.at, a.user_id::text AS user_id, u.data->>'name' AS user_name, a.action, a.detail
           FROM audit_log a LEFT JOIN records u ON u.entity = 'users' AND u.id = a.user_id
          WHERE ($1::text IS NULL OR a.action = $1)
          ORDER BY a.at DESC, a.id DESC LIMIT $2`,
        [request.query.action ?? null, request.query.limit ?? 100],
      )
      return { entries: rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).getTime(), userId: r.user_id, userName: r.user_name, action: r.action, detail: r.detail })) }
    },
  )
}

function parseMapping(value: unknown): ColumnMapping {
  let json: unknown
  try {
    json = JSON.parse(String(value))
  } catch {
    throw badRequest('列映射（mapping 字段）不是有效的 JSON，应写成 {"表头或列字母": "字段" 或 null}', 'invalid_mapping')
  }
  return parseWith(columnMappingSchema, json, '列映射（mapping 字段）')
}

export default ledgerIoRoutes
