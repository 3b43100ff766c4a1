/**
 * 网格划分: communities, grids and micro-grids, their names, codes and boundaries (issue 18).
 *
 *   GET   /api/admin/communities
 *   POST  /api/admin/communities                 {name, code}                    admin only
 *   GET   /api/admin/communities/:id/grids
 *   POST  /api/admin/grids                       {communityId, parentId, name, code, boundary?, crs?}
 *   PATCH /api/admin/grids/:id                   {name?, code?, boundary?, crs?, parentId?}
 *   POST  /api/admin/communities/:id/boundaries?dryRun=1&crs=wgs84|gcj02   multipart `file` (GeoJSON/KML)
 *
 * Grids are synced records: every change is written whole through putWholeRecords with a server
 * stamp newer than the record's, so phones take it and the change feed carries it (and the
 * removals, when a micro-grid moves out of a worker's grid: pull.ts sees their scope change).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { gridSchema, idSchema, type Grid } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { childLevelOf, codeProblem, mayAdministerCommunity, mayCreateCommunity, nameProblem, placementProblem } from '../../src/domain/administration'
import { badRequest, forbidden, HttpError, parseWith } from '../errors'
import { putWholeRecords } from '../records'
import type { Queryable } from '../db/adapter'
import { BoundaryFileError, checkedPolygon, parseBoundaries, readBoundaryFile, type BoundaryProblem, type Crs } from './boundaries'
import { audit, callerOf, communityFor, communityGrids, countsByGrid, gridFor, loadGrid, nextHlc, treeOrder } from './tree'
import { readUpload } from './upload'

export interface AdminOptions {
  now?: () => number
}

const crsSchema = z.enum(['wgs84', 'gcj02']).optional()
const flag = z.enum(['0', '1', 'true', 'false']).optional()
const isSet = (v: string | undefined) => v === '1' || v === 'true'

function checked(problem: string | null): void {
  if (problem) throw badRequest(problem)
}

function polygonOrProblem(value: unknown, crs: Crs) {
  if (value === null || value === undefined) return null
  try {
    return checkedPolygon(value, crs)
  } catch (err) {
    if (err instanceof BoundaryFileError) throw badRequest(`边界不正确：${err.message}`, 'invalid_boundary')
    throw err
  }
}

async function codeTaken(db: Queryable, communityId: string, code: string, exceptId?: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM records WHERE entity = 'grids' AND NOT deleted AND data->>'communityId' = $1 AND lower(data->>'code') = lower($2) AND id <> coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid)`,
    [communityId, code, exceptId ?? null],
  )
  return rows.length > 0
}

const duplicateCode = (code: string) => new HttpError(409, 'duplicate_code', `本社区已有编码为“${code}”的网格`)

export async function saveGrid(tx: Queryable, grid: Grid): Promise<Grid> {
  const parsed = parseWith(gridSchema, grid, '网格')
  await putWholeRecords(tx, 'grids', [parsed])
  return parsed
}

const gridRoutes: FastifyPluginAsync<AdminOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  const caller = (request: FastifyRequest) => callerOf(app.db, request.auth!)

  async function gridAnswer(grids: Grid[]) {
    const ids = grids.map((g) => g.id)
    const [households, buildings] = await Promise.all([countsByGrid(app.db, 'households', ids), countsByGrid(app.db, 'buildings', ids)])
    return treeOrder(grids).map((g) => ({
      id: g.id, communityId: g.communityId, parentId: g.parentId, level: g.level, name: g.name, code: g.code,
      boundary: g.boundary, workerIds: g.workerIds, households: households.get(g.id) ?? 0, buildings: buildings.get(g.id) ?? 0,
    }))
  }

  app.get('/api/admin/communities', { preHandler }, async (request) => {
    const c = await caller(request)
    const { rows } = await app.db.query<{ data: Grid; grids: number; households: number }>(
      `SELECT c.data,
              (SELECT count(*)::int FROM records g WHERE g.entity = 'grids' AND NOT g.deleted AND g.data->>'communityId' = c.id::text AND g.id <> c.id) AS grids,
              (SELECT count(*)::int FROM records h WHERE h.entity = 'households' AND NOT h.deleted AND h.grid_id IN
                 (SELECT g.id FROM records g WHERE g.entity = 'grids' AND NOT g.deleted AND g.data->>'communityId' = c.id::text)) AS households
         FROM records c WHERE c.entity = 'grids' AND NOT c.deleted AND c.data->>'level' = 'community'`,
    )
    const communities = rows
      .filter((r) => mayAdministerCommunity(c.actor, r.data.id))
      .map((r) => ({ id: r.data.id, name: r.data.name, code: r.data.code, grids: r.grids, households: r.households }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
    return { communities, mayCreate: mayCreateCommunity(c.role) }
  })

  app.post(
    '/api/admin/communities',
    { preHandler, schema: { body: z.object({ name: z.string().max(200), code: z.string().max(100) }) } },
    async (request) => {
      const c = await caller(request)
      if (!mayCreateCommunity(c.role)) throw forbidden('只有管理员可以新建社区')
      const name = request.body.name.trim()
      const code = request.body.code.trim()
      checked(nameProblem(name, '社区名称'))
      checked(codeProblem(code))
      const community = await app.db.transaction(async (tx) => {
        const { rows } = await tx.query(`SELECT 1 FROM records WHERE entity = 'grids' AND NOT deleted AND data->>'level' = 'community' AND lower(data->>'code') = lower($1)`, [code])
        if (rows.length) throw new HttpError(409, 'duplicate_code', `已有编码为“${code}”的社区`)
        const id = uuidv7(now())
        const saved = await saveGrid(tx, { id, hlc: nextHlc(null, now()), deleted: false, communityId: id, parentId: null, level: 'community', name, code, boundary: null, workerIds: [] })
        await audit(tx, c.userId, 'admin.community.create', { communityId: id, name, code })
        return saved
      })
      return { community: { id: community.id, name: community.name, code: community.code, grids: 0, households: 0 } }
    },
  )

  app.get(
    '/api/admin/communities/:id/grids',
    { preHandler, schema: { params: z.object({ id: idSchema }) } },
    async (request) => {
      const community = await communityFor(app.db, await caller(request), request.params.id)
      return { community: { id: community.id, name: community.name, code: community.code }, grids: await gridAnswer(await communityGrids(app.db, community.id)) }
    },
  )

  app.post(
    '/api/admin/grids',
    {
      preHandler,
      schema: {
        body: z.object({
          communityId: idSchema, parentId: idSchema.nullable(), name: z.string().max(200), code: z.string().max(100),
          boundary: z.unknown().optional(), crs: crsSchema,
        }),
      },
    },
    async (request) => {
      const c = await caller(request)
      const b = request.body
      const community = await communityFor(app.db, c, b.communityId)
      const name = b.name.trim()
      const code = b.code.trim()
      checked(nameProblem(name, '网格名称'))
      checked(codeProblem(code))
      const parent = b.parentId ? await loadGrid(app.db, b.parentId) : community
      if (!parent || parent.communityId !== community.id) throw badRequest('上级网格不在这个社区里')
      const level = childLevelOf(parent.level)
      if (!level) throw badRequest('微网格下不能再分网格')
      const boundary = polygonOrProblem(b.boundary, b.crs ?? 'wgs84')
      const grid = await app.db.transaction(async (tx) => {
        if (await codeTaken(tx, community.id, code)) throw duplicateCode(code)
        const saved = await saveGrid(tx, {
          id: uuidv7(now()), hlc: nextHlc(null, now()), deleted: false, communityId: community.id,
          parentId: parent.id, level, name, code, boundary, workerIds: [],
        })
        await audit(tx, c.userId, 'admin.grid.create', { communityId: community.id, community: community.name, gridId: saved.id, name, code, level, parent: parent.name })
        return saved
      })
      return { grid: (await gridAnswer([grid]))[0] }
    },
  )

  app.patch(
    '/api/admin/grids/:id',
    {
      preHandler,
      schema: {
        params: z.object({ id: idSchema }),
        body: z.object({
          name: z.string().max(200).optional(), code: z.string().max(100).optional(), boundary: z.unknown().optional(),
          crs: crsSchema, parentId: idSchema.optional(),
        }),
      },
    },
    async (request) => {
      const c = await caller(request)
      const grid = await gridFor(app.db, c, request.params.id)
      const b = request.body
      const next: Grid = { ...grid }
      const changes: string[] = []
      if (b.name !== undefined && b.name.trim() !== grid.name) {
        checked(nameProblem(b.name, '网格名称'))
        next.name = b.name.trim()
        changes.push(`名称 ${grid.name} → ${next.name}`)
      }
      if (b.code !== undefined && b.code.trim() !== grid.code) {
        checked(codeProblem(b.code))
        next.code = b.code.trim()
        changes.push(`编码 ${grid.code} → ${next.code}`)
      }
      if (b.boundary !== undefined) {
        next.boundary = polygonOrProblem(b.boundary, b.crs ?? 'wgs84')
        changes.push(next.boundary ? '边界已更新' : '边界已清除')
      }
      let parentName: string | null = null
      if (b.parentId !== undefined && b.parentId !== grid.parentId) {
        const parent = await loadGrid(app.db, b.parentId)
        if (!parent) throw badRequest('找不到要移到的上级网格')
        checked(placementProblem(grid, parent))
        next.parentId = parent.id
        parentName = parent.name
        changes.push(`移到 ${parent.name}`)
      }
      if (!changes.length) return { grid: (await gridAnswer([grid]))[0] }
      next.hlc = nextHlc(grid.hlc, now())
      const saved = await app.db.transaction(async (tx) => {
        if (next.code !== grid.code && (await codeTaken(tx, grid.communityId, next.code, grid.id))) throw duplicateCode(next.code)
        const s = await saveGrid(tx, next)
        await audit(tx, c.userId, parentName ? 'admin.grid.move' : 'admin.grid.update', { gridId: grid.id, name: next.name, changes })
        return s
      })
      return { grid: (await gridAnswer([saved]))[0] }
    },
  )

  app.post(
    '/api/admin/communities/:id/boundaries',
    { preHandler, schema: { params: z.object({ id: idSchema }), querystring: z.object({ dryRun: flag, crs: crsSchema }) } },
    async (request) => {
      const c = await caller(request)
      const community = await communityFor(app.db, c, request.params.id)
      const upload = await readUpload(request, '边界文件（GeoJSON 或 KML）')
      let parsed
      try {
        parsed = parseBoundaries(readBoundaryFile(upload.bytes, upload.fileName), request.query.crs ?? 'wgs84')
      } catch (err) {
        if (err instanceof BoundaryFileError) throw new HttpError(422, 'unreadable_file', err.message)
        throw err
      }
      const existing = await communityGrids(app.db, community.id)
      const byName = new Map(existing.map((g) => [g.name, g]))
      const fileNames = new Set(parsed.features.map((f) => f.name).filter((n): n is string => !!n))
      const problems: BoundaryProblem[] = [...parsed.problems]
      const planned = parsed.features.map((f) => {
        const old = f.name ? byName.get(f.name) : undefined
        const parentName = f.parentName ?? (old?.level === 'micro' ? (existing.find((g) => g.id === old.parentId)?.name ?? null) : null)
        if (parentName && !byName.has(parentName) && !fileNames.has(parentName)) {
          problems.push({ feature: f.index, name: f.name, message: `上级网格“${parentName}”在本社区和文件里都找不到` })
        }
        const parentOld = parentName ? byName.get(parentName) : undefined
        if (parentOld && parentOld.level !== 'grid') problems.push({ feature: f.index, name: f.name, message: `上级“${parentName}”不是网格` })
        if (f.code) {
          const p = codeProblem(f.code)
          if (p) problems.push({ feature: f.index, name: f.name, message: p })
          const holder = existing.find((g) => g.code.toLowerCase() === f.code!.toLowerCase())
          if (holder && holder.name !== f.name) problems.push({ feature: f.index, name: f.name, message: `编码“${f.code}”已被“${holder.name}”使用` })
        }
        return { feature: f, old, parentName, level: (parentName ? 'micro' : 'grid') as 'micro' | 'grid' }
      })
      problems.sort((a, b) => a.feature - b.feature)
      const answer = {
        features: parsed.features.length,
        grids: planned.map((p) => ({
          name: p.feature.name ?? `第 ${p.feature.index} 个要素`, code: p.feature.code ?? p.old?.code ?? null, level: p.old?.level === 'micro' || p.level === 'micro' ? 'micro' : 'grid',
          parentName: p.parentName, action: (p.old ? 'update' : 'create') as 'create' | 'update',
        })),
        problems,
      }
      if (isSet(request.query.dryRun)) return answer
      if (problems.length) {
        const first = problems.slice(0, 3).map((p) => `第 ${p.feature} 个${p.name ? `（${p.name}）` : ''}：${p.message}`).join('；')
        throw new HttpError(400, 'invalid_boundaries', `边界文件有 ${problems.length} 处问题，没有导入任何网格。${first}`)
      }
      const t = now()
      let created = 0
      let updated = 0
      await app.db.transaction(async (tx) => {
        const ids = new Map(existing.map((g) => [g.name, g.id]))
        // Grids first, so a micro-grid of the same file finds its parent's id.
        const ordered = [...planned].sort((a, b) => (a.level === b.level ? 0 : a.level === 'grid' ? -1 : 1))
        let n = existing.length
        for (const p of ordered) {
          const name = p.feature.name!
          if (p.old) {
            await saveGrid(tx, { ...p.old, boundary: p.feature.boundary, code: p.feature.code ?? p.old.code, hlc: nextHlc(p.old.hlc, t) })
            updated++
          } else {
            const id = uuidv7(t)
            ids.set(name, id)
            n++
            const parentId = p.parentName ? ids.get(p.parentName)! : community.id
            const code = p.feature.code ?? `${community.code}-${String(n).padStart(2, '0')}`
            if (await codeTaken(tx, community.id, code)) throw duplicateCode(code)
            await saveGrid(tx, { id, hlc: nextHlc(null, t), deleted: false, communityId: community.id, parentId, level: p.level, name, code, boundary: p.feature.boundary, workerIds: [] })
            created++
          }
        }
        await audit(tx, c.userId, 'admin.boundaries.import', { communityId: community.id, community: community.name, file: upload.fileName, created, updated })
      })
      return { ...answer, created, updated }
    },
  )
}

export default gridRoutes
