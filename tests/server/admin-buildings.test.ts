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
