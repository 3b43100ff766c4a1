/**
 * Issue 18, 楼栋: buildings placed by hand or from a sheet (WGS84 or GCJ-02), their grids by
 * choice or by boundary, and households following their building — PGlite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { injectJson, testDatabases, useTestApp } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'
import { multipart, square } from './adminFixtures'
import { create, household, pullAll, push, testClock } from './syncFixtures'

describe.each(testDatabases())('administration of buildings on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
    // boundaries: grid A around (120.40, 36.10), its micro-grid in its south-west corner, grid B east of it
    await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.gridA.id}`, headers: t.as.sup1.headers, payload: { boundary: { type: 'Polygon', coordinates: [square(120.4, 36.1, 0.01)] } } })
    await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.microA1.id}`, headers: t.as.sup1.headers, payload: { boundary: { type: 'Polygon', coordinates: [square(120.4, 36.1, 0.003)] } } })
    await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.gridB.id}`, headers: t.as.sup1.headers, payload: { boundary: { type: 'Polygon', coordinates: [square(120.41, 36.1, 0.01)] } } })
  })

  const place = (payload: Record<string, unknown>, as = t.as.sup1) =>
    injectJson(app, { method: 'POST', url: '/api/admin/buildings', headers: as.headers, payload: { communityId: t.c1.id, compound: '翠湖花园', name: '5号楼', ...payload } })
  const buildingCount = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'buildings'`)).rows[0].n

  it('places a building: the grid is the smallest boundary holding it; outside every boundary asks for a grid', async () => {
    const inMicro = await place({ location: [120.401, 36.101] })
    expect(inMicro.status).toBe(200)
    expect(inMicro.body.building).toMatchObject({ gridId: t.microA1.id, gridName: '第一网格第一微网格', households: 0 })
    const inA = await place({ name: '6号楼', location: [120.408, 36.108] })
    expect(inA.body.building.gridName).toBe('第一网格')
    const outside = await place({ name: '7号楼', location: [120.5, 36.2] })
    expect(outside.status).toBe(400)
    expect(outside.body.message).toContain('不在本社区任何网格的边界内')
    const chosen = await place({ name: '7号楼', location: [120.5, 36.2], gridId: t.gridB.id })
    expect(chosen.body.building.gridName).toBe('第二网格')
    expect((await place({ location: [120.401, 36.101] })).status).toBe(409)
    expect((await place({ name: '8号楼', location: [36.1, 120.4] })).body.message).toContain('写反了')
    expect((await place({ name: '9号楼', location: [120.401, 36.101], gridId: t.gridX.id })).status).toBe(400)
    expect((await place({ name: '9号楼', location: [120.401, 36.101], communityId: t.c2.id })).status).toBe(404)
  })

  it('converts GCJ-02 coordinates to WGS84', async () => {
    const b = await place({ location: [120.405, 36.105], crs: 'gcj02', gridId: t.gridA.id })
    const [lng] = b.body.building.location
    expect(Math.abs(lng - 120.405)).toBeGreaterThan(0.002)
  })

  it('a building moved to another grid takes its households along: the old grid’s phone loses them', async () => {
    const b = (await place({ location: [120.408, 36.108] })).body.building
    const h = { ...household(t.gridA.id), buildingId: b.id }
    expect((await push(app, t.as.sup1, [create('households', h, testClock('dev-sup1')())]))[0].status).toBe('applied')
    const a = await pullAll(app, t.as.wa)
    const moved = await injectJson(app, { method: 'PATCH', url: `/api/admin/buildings/${b.id}`, headers: t.as.sup1.headers, payload: { gridId: t.gridB.id } })
    expect(moved.body).toMatchObject({ movedHouseholds: 1, building: { gridName: '第二网格', households: 1 } })
    const a2 = await pullAll(app, t.as.wa, a.cursor)
    expect(a2.changes).toContainEqual({ entity: 'households', id: h.id, removed: true })
    const wb = await pullAll(app, t.as.wb)
    const got = wb.changes.find((c: { id: string }) => c.id === h.id) as unknown as { data: { gridId: string; headName: string } }
    expect(got.data).toMatchObject({ gridId: t.gridB.id, headName: h.headName })
  })

  it('圈选楼栋 moves every building in one step, households along; any refusal stores nothing', async () => {
    const b1 = (await place({ name: '1号楼', location: [120.401, 36.101] })).body.building
    const b2 = (await place({ name: '2号楼', location: [120.408, 36.108] })).body.building
    const h = { ...household(t.gridA.id), buildingId: b2.id }
    expect((await push(app, t.as.sup1, [create('households', h, testClock('dev-sup1')())]))[0].status).toBe('applied')
    const bx = (await place({ communityId: t.c2.id, name: '9号楼', location: [120.5, 36.2], gridId: t.gridX.id }, t.as.sup2)).body.building
    const move = (buildingIds: string[], gridId: string, as = t.as.sup1) =>
      injectJson(app, { method: 'POST', url: '/api/admin/buildings/move', headers: as.headers, payload: { buildingIds, gridId } })
    const stored = async () =>
      (await db.query<{ id: string; grid_id: string }>(`SELECT id::text, grid_id::text FROM records WHERE entity IN ('buildings', 'households') ORDER BY id`)).rows
    const audits = async () => (await db.query<{ detail: { changes: string[]; movedHouseholds: number } }>(`SELECT detail FROM audit_log WHERE action = 'admin.buildings.move'`)).rows
    const before = await stored()

    // refusals: nothing moves, nothing is audited
    expect((await move([b1.id, b2.id], t.gridB.id, t.as.wa)).status).toBe(403)
    expect((await move([b1.id, b2.id], t.gridX.id)).status).toBe(404)
    expect((await move([b1.id, bx.id], t.gridB.id)).status).toBe(404)
    expect((await move([b1.id, b2.id], t.gridB.id, t.as.sup2)).status).toBe(404)
    const mixed = await move([b1.id, b2.id, bx.id], t.gridB.id, t.as.admin)
    expect(mixed.status).toBe(400)
    expect(mixed.body.message).toContain('翠湖花园 9号楼 不在“第二网格”所在的社区')
    const gone = await move([b1.id, '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c99'], t.gridB.id)
    expect(gone.status).toBe(400)
    expect(gone.body.message).toContain('有 1 栋楼已不存在')
    expect((await move([], t.gridB.id)).status).toBe(400)
    expect(await stored()).toEqual(before)
    expect(await audits()).toEqual([])

    const a = await pullAll(app, t.as.wa)
    const ok = await move([b1.id, b2.id, b2.id], t.gridB.id)
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ moved: 2, movedHouseholds: 1 })
    const list = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/buildings`, headers: t.as.sup1.headers })
    expect(list.body.buildings.map((b: { name: string; gridName: string }) => `${b.name}:${b.gridName}`)).toEqual(['1号楼:第二网格', '2号楼:第二网格'])
    expect((await pullAll(app, t.as.wa, a.cursor)).changes).toContainEqual({ entity: 'households', id: h.id, removed: true })
    expect((await audits()).map((r) => r.detail)).toEqual([expect.objectContaining({ changes: ['已将 2 栋楼移入“第二网格”'], movedHouseholds: 1 })])
    // an admin may move any community's buildings within that community
    expect((await move([bx.id], t.gridX.id, t.as.admin)).body).toEqual({ moved: 0, movedHouseholds: 0 })
  })

  it('收入边界内楼栋: a grid claims the buildings inside its boundary', async () => {
    await place({ name: '1号楼', location: [120.412, 36.102], gridId: t.gridA.id })
    await place({ name: '2号楼', location: [120.402, 36.102], gridId: t.gridB.id })
    const claim = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridB.id}/claim-buildings`, headers: t.as.sup1.headers })
    expect(claim.body).toMatchObject({ claimed: 1, movedHouseholds: 0 })
    const list = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/buildings`, headers: t.as.sup1.headers })
    expect(list.body.buildings.map((b: { name: string; gridName: string }) => `${b.name}:${b.gridName}`)).toEqual(['1号楼:第二网格', '2号楼:第二网格'])
    const noBoundary = await injectJson(app, { method: 'POST', url: `/api/admin/grids/${t.gridX.id}/claim-buildings`, headers: t.as.sup2.headers })
    expect(noBoundary.status).toBe(400)
  })

  it('imports a sheet of buildings: every problem of a row, nothing stored while any remains', async () => {
    const rows = [
      '小区,楼栋,经度,纬度,坐标系,网格,单元数,楼层数',
      '翠湖花园,1号楼,120.401,36.101,WGS84,,2,6',
      '翠湖花园,2号楼,120.408,36.108,GCJ02,第一网格,,',
      '翠湖花园,3号楼,36.1,120.4,北京54,第九网格,x,',
      ',,,,,,,',
      '翠湖花园,1号楼,120.402,36.102,,,,',
    ]
    const send = (text: string, query = '') => {
      const { payload, headers } = multipart(text, 'buildings.csv')
      return injectJson(app, { method: 'POST', url: `/api/admin/communities/${t.c1.id}/buildings/import${query}`, payload, headers: { ...headers, ...t.as.sup1.headers } })
    }
    const dry = await send(rows.join('\n'), '?dryRun=1')
    expect(dry.status).toBe(200)
    expect(dry.body.rows).toBe(4)
    expect(dry.body.problems).toEqual([
      { row: 4, messages: ['坐标系“北京54”不认识，应为 WGS84 或 GCJ02', '经度 36.1、纬度 120.4 像是写反了', '网格“第九网格”不在本社区', '单元数“x”应为 0–100 的整数'] },
      { row: 6, messages: ['“翠湖花园 1号楼”已经存在（或在表里重复）'] },
    ])
    const before = await buildingCount()
    expect((await send(rows.join('\n'))).status).toBe(400)
    expect(await buildingCount()).toBe(before)
    const ok = await send(rows.slice(0, 3).join('\n'))
    expect(ok.body).toMatchObject({ rows: 2, created: 2 })
    const list = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/buildings`, headers: t.as.sup1.headers })
    expect(list.body.buildings.map((b: { name: string; gridName: string; units: number }) => `${b.name}:${b.gridName}:${b.units}`)).toEqual(['1号楼:第一网格第一微网格:2', '2号楼:第一网格:1'])
    const missing = await send('小区,楼栋\n翠湖花园,1号楼')
    expect(missing.status).toBe(422)
    expect(missing.body.message).toBe('表格缺少必需的列：经度、纬度')
  })
})
