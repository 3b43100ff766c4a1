/**
 * 楼栋: buildings placed on the map or imported from a sheet, and their grids (issue 18).
 *
 *   GET   /api/admin/communities/:id/buildings
 *   POST  /api/admin/buildings                     {communityId, gridId?, compound, name, location, crs?, units?, floors?}
 *   PATCH /api/admin/buildings/:id                 {compound?, name?, gridId?, location?, crs?}
 *   POST  /api/admin/buildings/move                {buildingIds, gridId}   圈选楼栋: all or none
 *   POST  /api/admin/grids/:id/claim-buildings     收入边界内楼栋
 *   POST  /api/admin/communities/:id/buildings/import?dryRun=1   multipart `file` (.xlsx/.csv)
 *
 * Households follow their building: a building that changes grid takes its households along, in
 * the same transaction (their gridId is rewritten with a newer server stamp, nothing else), so the
 * change feed moves both and phones that lose the grid get the removals.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import gcoord from 'gcoord'
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import { buildingSchema, householdSchema, idSchema, type Building, type Grid } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { nameProblem } from '../../src/domain/administration'
import { badRequest, HttpError, parseWith } from '../errors'
import { putWholeRecords } from '../records'
import type { Queryable } from '../db/adapter'
import type { Crs } from './boundaries'
import type { AdminOptions } from './grids'
import { audit, callerOf, communityFor, communityGrids, gridFor, nextHlc } from './tree'
import { readSheet, readUpload } from './upload'

const lngLat = z.tuple([z.number(), z.number()])
const crsSchema = z.enum(['wgs84', 'gcj02']).optional()

const round = (n: number) => Math.round(n * 1e7) / 1e7

/** A point in WGS84, or the reason it is not one a building in China can have. */
export function pointOf(lng: number, lat: number, crs: Crs): { point: [number, number] | null; problem: string | null } {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return { point: null, problem: '经纬度应为数字' }
  if (lng < 73 || lng > 136 || lat < 3 || lat > 54) {
    const swapped = lat >= 73 && lat <= 136 && lng >= 3 && lng <= 54
    return { point: null, problem: swapped ? `经度 ${lng}、纬度 ${lat} 像是写反了` : `坐标 ${lng}, ${lat} 不在中国境内` }
  }
  const [x, y] = crs === 'gcj02' ? (gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number]) : [lng, lat]
  return { point: [round(x), round(y)], problem: null }
}

/** The smallest grid whose boundary holds the point: a micro-grid before its grid. */
export function gridAt(grids: readonly Grid[], point: [number, number]): Grid | null {
  const inside = grids.filter((g) => g.boundary && booleanPointInPolygon(point, g.boundary))
  return inside.find((g) => g.level === 'micro') ?? inside[0] ?? null
}

async function loadBuildings(db: Queryable, gridIds: readonly string[]): Promise<Building[]> {
  if (!gridIds.length) return []
  const { rows } = await db.query<{ data: unknown }>(`SELECT data FROM records WHERE entity = 'buildings' AND NOT deleted AND grid_id = ANY($1::uuid[])`, [gridIds])
  return rows.flatMap((r) => {
    const p = buildingSchema.safeParse(r.data)
    return p.success ? [p.data] : []
  })
}

/** Moves the households of these buildings to each building's grid; returns how many moved. */
export async function householdsFollow(tx: Queryable, buildings: readonly Building[], now: number): Promise<number> {
  let moved = 0
  for (const b of buildings) {
    const { rows } = await tx.query<{ data: unknown }>(
      `SELECT data FROM records WHERE entity = 'households' AND NOT deleted AND data->>'buildingId' = $1 AND grid_id IS DISTINCT FROM $2::uuid`,
      [b.id, b.gridId],
    )
    const households = rows.flatMap((r) => {
      const p = householdSchema.safeParse(r.data)
      return p.success ? [{ ...p.data, gridId: b.gridId, hlc: nextHlc(p.data.hlc, now) }] : []
    })
    await putWholeRecords(tx, 'households', households)
    moved += households.length
  }
  return moved
}

/**
 * Moves these buildings into `grid` with a newer stamp, their households along, inside the
 * caller's transaction; returns the buildings as stored and how many households moved.
 */
export async function moveInto(tx: Queryable, buildings: readonly Building[], grid: Grid, now: number): Promise<{ moved: Building[]; movedHouseholds: number }> {
  const moved = buildings.map((b) => ({ ...b, gridId: grid.id, hlc: nextHlc(b.hlc, now) }))
  await putWholeRecords(tx, 'buildings', moved)
  return { moved, movedHouseholds: await householdsFollow(tx, moved, now) }
}

const label = (b: Building) => `${b.compound} ${b.name}`

const buildingRoutes: FastifyPluginAsync<AdminOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]

  async function answer(buildings: Building[], grids: Grid[]) {
    const names = new Map(grids.map((g) => [g.id, g.name]))
    const { rows } = buildings.length
      ? await app.db.query<{ b: string; n: number }>(
          `SELECT data->>'buildingId' AS b, count(*)::int AS n FROM records WHERE entity = 'households' AND NOT deleted AND data->>'buildingId' = ANY($1::text[]) GROUP BY 1`,
          [buildings.map((b) => b.id)],
        )
      : { rows: [] }
    const households = new Map(rows.map((r) => [r.b, r.n]))
    return buildings
      .map((b) => ({
        id: b.id, gridId: b.gridId, gridName: names.get(b.gridId) ?? '', compound: b.compound, name: b.name,
        location: b.location, units: b.units, floors: b.floors, households: households.get(b.id) ?? 0,
      }))
      .sort((a, b) => a.compound.localeCompare(b.compound, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN', { numeric: true }))
  }

  app.get('/api/admin/communities/:id/buildings', { preHandler, schema: { params: z.object({ id: idSchema }) } }, async (request) => {
    const community = await communityFor(app.db, await callerOf(app.db, request.auth!), request.params.id)
    const grids = await communityGrids(app.db, community.id)
    return { buildings: await answer(await loadBuildings(app.db, grids.map((g) => g.id)), grids) }
  })

  app.post(
    '/api/admin/buildings',
    {
      preHandler,
      schema: {
        body: z.object({
          communityId: idSchema, gridId: idSchema.optional(), compound: z.string().max(200), name: z.string().max(200),
          location: lngLat, crs: crsSchema, units: z.number().int().min(0).max(100).optional(), floors: z.number().int().min(0).max(200).optional(),
        }),
      },
    },
    async (request) => {
      const c = await callerOf(app.db, request.auth!)
      const b = request.body
      const community = await communityFor(app.db, c, b.communityId)
      for (const p of [nameProblem(b.compound, '小区名称'), nameProblem(b.name, '楼栋名称')]) if (p) throw badRequest(p)
      const { point, problem } = pointOf(b.location[0], b.location[1], b.crs ?? 'wgs84')
      if (problem) throw badRequest(problem)
      const grids = await communityGrids(app.db, community.id)
      const grid = b.gridId ? grids.find((g) => g.id === b.gridId) : gridAt(grids, point!)
      if (!grid) throw badRequest(b.gridId ? '这个网格不在本社区里' : '这个位置不在本社区任何网格的边界内，请选择网格')
      const building = parseWith(buildingSchema, {
        id: uuidv7(now()), hlc: nextHlc(null, now()), deleted: false, gridId: grid.id, compound: b.compound.trim(), name: b.name.trim(),
        location: point, footprint: null, units: b.units ?? 1, floors: b.floors ?? 1,
      }, '楼栋')
      await app.db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `SELECT 1 FROM records WHERE entity = 'buildings' AND NOT deleted AND grid_id = ANY($1::uuid[]) AND data->>'compound' = $2 AND data->>'name' = $3`,
          [grids.map((g) => g.id), building.compound, building.name],
        )
        if (rows.length) throw new HttpError(409, 'duplicate_building', `本社区已有“${building.compound} ${building.name}”`)
        await putWholeRecords(tx, 'buildings', [building])
        await audit(tx, c.userId, 'admin.building.create', { buildingId: building.id, compound: building.compound, name: building.name, grid: grid.name })
      })
      return { building: (await answer([building], grids))[0] }
    },
  )

  app.patch(
    '/api/admin/buildings/:id',
    {
      preHandler,
      schema: {
        params: z.object({ id: idSchema }),
        body: z.object({ compound: z.string().max(200).optional(), name: z.string().max(200).optional(), gridId: idSchema.optional(), location: lngLat.optional(), crs: crsSchema }),
      },
    },
    async (request) => {
      const c = await callerOf(app.db, request.auth!)
      const { rows } = await app.db.query<{ data: unknown }>(`SELECT data FROM records WHERE entity = 'buildings' AND id = $1::uuid AND NOT deleted`, [request.params.id])
      const current = rows[0] ? buildingSchema.safeParse(rows[0].data) : null
      if (!current?.success) throw new HttpError(404, 'not_found', '找不到这栋楼')
      const old = current.data
      const home = await gridFor(app.db, c, old.gridId).catch(() => {
        throw new HttpError(404, 'not_found', '找不到这栋楼（或您无权管理它）')
      })
      const grids = await communityGrids(app.db, home.communityId)
      const b = request.body
      const next: Building = { ...old }
      const changes: string[] = []
      if (b.compound !== undefined) {
        const p = nameProblem(b.compound, '小区名称')
        if (p) throw badRequest(p)
        next.compound = b.compound.trim()
      }
      if (b.name !== undefined) {
        const p = nameProblem(b.name, '楼栋名称')
        if (p) throw badRequest(p)
        next.name = b.name.trim()
      }
      if (b.location) {
        const { point, problem } = pointOf(b.location[0], b.location[1], b.crs ?? 'wgs84')
        if (problem) throw badRequest(problem)
        next.location = point!
        changes.push('位置已更新')
      }
      if (b.gridId && b.gridId !== old.gridId) {
        const target = grids.find((g) => g.id === b.gridId)
        if (!target) throw badRequest('只能移到本社区的网格')
        next.gridId = target.id
        changes.push(`${home.name} → ${target.name}`)
      }
      if (next.name !== old.name || next.compound !== old.compound) changes.push(`名称 ${old.compound} ${old.name} → ${next.compound} ${next.name}`)
      next.hlc = nextHlc(old.hlc, now())
      const movedHouseholds = await app.db.transaction(async (tx) => {
        await putWholeRecords(tx, 'buildings', [parseWith(buildingSchema, next, '楼栋')])
        const moved = next.gridId !== old.gridId ? await householdsFollow(tx, [next], now()) : 0
        await audit(tx, c.userId, 'admin.building.update', { buildingId: old.id, compound: next.compound, name: next.name, changes, movedHouseholds: moved })
        return moved
      })
      return { building: (await answer([next], grids))[0], movedHouseholds }
    },
  )

  app.post('/api/admin/grids/:id/claim-buildings', { preHandler, schema: { params: z.object({ id: idSchema }) } }, async (request) => {
    const c = await callerOf(app.db, request.auth!)
    const grid = await gridFor(app.db, c, request.params.id)
    if (!grid.boundary) throw badRequest(`“${grid.name}”还没有边界：请先画出或导入边界`)
    const grids = await communityGrids(app.db, grid.communityId)
    const all = await loadBuildings(app.db, grids.map((g) => g.id))
    // A building already in a micro-grid of this grid stays there: "inside this boundary" is the grid's own.
    const within = new Set(grids.filter((g) => g.id === grid.id || g.parentId === grid.id).map((g) => g.id))
    const claimed = all.filter((b) => !within.has(b.gridId) && booleanPointInPolygon(b.location, grid.boundary!))
    const movedHouseholds = await app.db.transaction(async (tx) => {
      const { movedHouseholds: moved } = await moveInto(tx, claimed, grid, now())
      await audit(tx, c.userId, 'admin.grid.claim_buildings', { gridId: grid.id, grid: grid.name, buildings: claimed.length, movedHouseholds: moved })
      return moved
    })
    return { claimed: claimed.length, movedHouseholds }
  })

  // 圈选楼栋: every building or none. A supervisor's request naming another community's grid or
  // building is answered as if it did not exist (404), like the single move; an admin's mixing of
  // communities, or a building gone meanwhile, is a 400 that names them, and nothing is stored.
  app.post(
    '/api/admin/buildings/move',
    { preHandler, schema: { body: z.object({ buildingIds: z.array(idSchema).min(1).max(5000), gridId: idSchema }) } },
    async (request) => {
      const c = await callerOf(app.db, request.auth!)
      const target = await gridFor(app.db, c, request.body.gridId)
      const ids = [...new Set(request.body.buildingIds)]
      const { rows } = await app.db.query<{ data: unknown }>(`SELECT data FROM records WHERE entity = 'buildings' AND NOT deleted AND id = ANY($1::uuid[])`, [ids])
      const found = rows.flatMap((r) => {
        const p = buildingSchema.safeParse(r.data)
        return p.success ? [p.data] : []
      })
      const homes = new Map<string, Grid | null>()
      for (const gridId of new Set(found.map((b) => b.gridId))) homes.set(gridId, await gridFor(app.db, c, gridId).catch(() => null))
      if (found.some((b) => !homes.get(b.gridId))) throw new HttpError(404, 'not_found', '找不到其中的楼栋（或您无权管理它们）')
      if (found.length < ids.length) throw badRequest(`有 ${ids.length - found.length} 栋楼已不存在（可能已被删除），没有移动任何楼栋，请刷新后重新圈选`)
      const elsewhere = found.filter((b) => homes.get(b.gridId)!.communityId !== target.communityId)
      if (elsewhere.length) throw badRequest(`只能移到楼栋所在社区的网格，没有移动任何楼栋：${elsewhere.map(label).join('、')} 不在“${target.name}”所在的社区`)
      const moving = found.filter((b) => b.gridId !== target.id)
      const text = `已将 ${moving.length} 栋楼移入“${target.name}”`
      const movedHouseholds = await app.db.transaction(async (tx) => {
        const { movedHouseholds: moved } = await moveInto(tx, moving, target, now())
        await audit(tx, c.userId, 'admin.buildings.move', { gridId: target.id, buildingIds: moving.map((b) => b.id), changes: [text], movedHouseholds: moved })
        return moved
      })
      return { moved: moving.length, movedHouseholds }
    },
  )

  app.post(
    '/api/admin/communities/:id/buildings/import',
    { preHandler, schema: { params: z.object({ id: idSchema }), querystring: z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() }) } },
    async (request) => {
      const c = await callerOf(app.db, request.auth!)
      const community = await communityFor(app.db, c, request.params.id)
      const upload = await readUpload(request, '楼栋表（.xlsx 或 .csv）')
      const sheet = await readSheet(upload.bytes, upload.fileName, ['小区', '楼栋', '经度', '纬度'])
      const grids = await communityGrids(app.db, community.id)
      const byName = new Map(grids.map((g) => [g.name, g]))
      const existing = await loadBuildings(app.db, grids.map((g) => g.id))
      const taken = new Set(existing.map((b) => `${b.compound}|${b.name}`))
      const problems: { row: number; messages: string[] }[] = []
      const buildings: Building[] = []
      const t = now()
      for (const { row, values } of sheet.rows) {
        const messages: string[] = []
        const compound = values['小区'] ?? ''
        const name = values['楼栋'] ?? ''
        for (const p of [nameProblem(compound, '小区'), nameProblem(name, '楼栋')]) if (p) messages.push(p)
        const crsText = (values['坐标系'] ?? '').toUpperCase().replace(/[-\s]/g, '')
        const crs: Crs | null = !crsText || crsText === 'WGS84' ? 'wgs84' : crsText === 'GCJ02' || crsText.includes('高德') || crsText.includes('火星') ? 'gcj02' : null
        if (!crs) messages.push(`坐标系“${values['坐标系']}”不认识，应为 WGS84 或 GCJ02`)
        const lng = Number(values['经度'])
        const lat = Number(values['纬度'])
        const { point, problem } = values['经度'] && values['纬度'] ? pointOf(lng, lat, crs ?? 'wgs84') : { point: null, problem: '经度或纬度为空' }
        if (problem) messages.push(problem)
        let grid: Grid | null = null
        if (values['网格']) {
          grid = byName.get(values['网格']) ?? null
          if (!grid) messages.push(`网格“${values['网格']}”不在本社区`)
        } else if (point) {
          grid = gridAt(grids, point)
          if (!grid) messages.push('这个位置不在本社区任何网格的边界内，请在“网格”列写明')
        }
        const key = `${compound}|${name}`
        if (compound && name && taken.has(key)) messages.push(`“${compound} ${name}”已经存在（或在表里重复）`)
        const units = values['单元数'] ? Number(values['单元数']) : 1
        const floors = values['楼层数'] ? Number(values['楼层数']) : 1
        if (!Number.isInteger(units) || units < 0 || units > 100) messages.push(`单元数“${values['单元数']}”应为 0–100 的整数`)
        if (!Number.isInteger(floors) || floors < 0 || floors > 200) messages.push(`楼层数“${values['楼层数']}”应为 0–200 的整数`)
        if (messages.length) {
          problems.push({ row, messages })
          continue
        }
        taken.add(key)
        buildings.push({ id: uuidv7(t), hlc: nextHlc(null, t), deleted: false, gridId: grid!.id, compound, name, location: point!, footprint: null, units, floors })
      }
      const result = { rows: sheet.rows.length, problems }
      if (request.query.dryRun === '1' || request.query.dryRun === 'true') return { ...result, created: 0 }
      if (problems.length) throw new HttpError(400, 'invalid_rows', `表格有 ${problems.length} 行有问题，没有导入任何楼栋。第 ${problems[0].row} 行：${problems[0].messages.join('；')}`)
      await app.db.transaction(async (tx) => {
        await putWholeRecords(tx, 'buildings', buildings)
        await audit(tx, c.userId, 'admin.buildings.import', { communityId: community.id, community: community.name, file: upload.fileName, rows: sheet.rows.length, created: buildings.length })
      })
      return { ...result, created: buildings.length }
    },
  )
}

export default buildingRoutes
