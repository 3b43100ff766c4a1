/**
 * Issue 18, 网格划分: communities, grids, micro-grids and boundary files, on PGlite and PostgreSQL.
 * Scope: a supervisor administers only their own community (another's answers 404, nothing
 * changes); a worker nothing. Bad files and polygons get a readable 4xx and store nothing.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { injectJson, testDatabases, useTestApp } from './helper'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'
import { BOW_TIE, collection, feature, multipart, square } from './adminFixtures'
import { pullAll } from './syncFixtures'

describe.each(testDatabases())('administration of grids on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app, '', (u) => `dev-${u}`)
  })

  const gridCount = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'grids'`)).rows[0].n
  const upload = (auth: { headers: { authorization: string } }, communityId: string, text: string, name = 'grids.geojson', query = '') => {
    const { payload, headers } = multipart(text, name)
    return injectJson(app, { method: 'POST', url: `/api/admin/communities/${communityId}/boundaries${query}`, payload, headers: { ...headers, ...auth.headers } })
  }

  it('an admin creates a community; a supervisor may not; a duplicate code is refused', async () => {
    const made = await injectJson(app, { method: 'POST', url: '/api/admin/communities', headers: t.as.admin.headers, payload: { name: '新华社区', code: 'XH' } })
    expect(made.status).toBe(200)
    expect(made.body.community).toMatchObject({ name: '新华社区', code: 'XH', grids: 0 })
    const dup = await injectJson(app, { method: 'POST', url: '/api/admin/communities', headers: t.as.admin.headers, payload: { name: '另一个', code: 'xh' } })
    expect(dup.status).toBe(409)
    expect(dup.body.message).toContain('已有编码为“xh”的社区')
    const bySup = await injectJson(app, { method: 'POST', url: '/api/admin/communities', headers: t.as.sup1.headers, payload: { name: '某社区', code: 'MS' } })
    expect(bySup.status).toBe(403)
    const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'admin.%'`)
    expect(audit.rows.map((r) => r.action)).toEqual(['admin.community.create'])
  })

  it('a supervisor lists and changes only their own community; a worker nothing', async () => {
    const list = await injectJson(app, { method: 'GET', url: '/api/admin/communities', headers: t.as.sup1.headers })
    expect(list.body.communities.map((c: { name: string }) => c.name)).toEqual(['香港路社区'])
    const own = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/grids`, headers: t.as.sup1.headers })
    expect(own.body.grids.map((g: { name: string }) => g.name)).toEqual(['第一网格', '第一网格第一微网格', '第二网格'])
    const other = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c2.id}/grids`, headers: t.as.sup1.headers })
    expect(other.status).toBe(404)
    const rename = await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.gridX.id}`, headers: t.as.sup1.headers, payload: { name: '改名' } })
    expect(rename.status).toBe(404)
    const worker = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/grids`, headers: t.as.wa.headers })
    expect(worker.status).toBe(403)
    const before = await gridCount()
    const create = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c2.id, parentId: null, name: '偷建', code: 'X-9' } })
    expect(create.status).toBe(404)
    expect(await gridCount()).toBe(before)
  })

  it('creates grids and micro-grids with checked codes and boundaries', async () => {
    const g = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: null, name: '第三网格', code: 'XGL-03', boundary: { type: 'Polygon', coordinates: [square(120.41, 36.1)] } } })
    expect(g.status).toBe(200)
    expect(g.body.grid).toMatchObject({ level: 'grid', parentId: t.c1.id, households: 0 })
    const m = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: g.body.grid.id, name: '第三网格第一微网格', code: 'XGL-03-01' } })
    expect(m.body.grid.level).toBe('micro')
    const tooDeep = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: m.body.grid.id, name: '再下一级', code: 'XGL-03-01-01' } })
    expect(tooDeep.status).toBe(400)
    expect(tooDeep.body.message).toBe('微网格下不能再分网格')
    const dup = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: null, name: '重复', code: 'xgl-01' } })
    expect(dup.status).toBe(409)
    const badCode = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: null, name: '坏编码', code: '第 4 网格' } })
    expect(badCode.status).toBe(400)
    expect(badCode.body.message).toContain('只能包含字母')
    const crossing = await injectJson(app, { method: 'POST', url: '/api/admin/grids', headers: t.as.sup1.headers, payload: { communityId: t.c1.id, parentId: null, name: '交叉', code: 'XGL-05', boundary: { type: 'Polygon', coordinates: [BOW_TIE] } } })
    expect(crossing.status).toBe(400)
    expect(crossing.body.message).toContain('自相交')
  })

  it('moving a micro-grid keeps its households; the old grid’s worker loses them, the new one gets them', async () => {
    const { household, create, push, testClock } = await import('./syncFixtures')
    const clock = testClock('dev-sup1')
    const h = household(t.microA1.id)
    expect((await push(app, t.as.sup1, [create('households', h, clock())]))[0].status).toBe('applied')
    // On a shared PostgreSQL another test's open transaction holds the feed back (pg_snapshot_xmin):
    // what is committed comes in a later pull, so each phone pulls until it has what it expects.
    type Pulled = { changes: { id: string; removed?: boolean; entity?: string }[]; cursor: string }
    const pullUntil = async (as: typeof t.as.wa, from: string | undefined, has: (c: Pulled['changes'][number]) => boolean): Promise<Pulled> => {
      let cursor = from
      const changes: Pulled['changes'] = []
      for (let i = 0; i < 100; i++) {
        const page = (await pullAll(app, as, cursor)) as Pulled
        changes.push(...page.changes)
        cursor = page.cursor
        if (changes.some(has)) break
        await new Promise((r) => setTimeout(r, 200))
      }
      return { changes, cursor: cursor! }
    }
    const a = await pullUntil(t.as.wa, undefined, (c) => c.id === h.id)
    const b = (await pullAll(app, t.as.wb)) as Pulled
    expect(a.changes.some((c: { id: string }) => c.id === h.id)).toBe(true)
    expect(b.changes.some((c) => c.id === h.id), 'the other grid’s worker does not get it').toBe(false)
    const wrongLevel = await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.microA1.id}`, headers: t.as.sup1.headers, payload: { parentId: t.c1.id } })
    expect(wrongLevel.status).toBe(400)
    const moved = await injectJson(app, { method: 'PATCH', url: `/api/admin/grids/${t.microA1.id}`, headers: t.as.sup1.headers, payload: { parentId: t.gridB.id } })
    expect(moved.status).toBe(200)
    expect(moved.body.grid).toMatchObject({ parentId: t.gridB.id, households: 1 })
    const a2 = await pullUntil(t.as.wa, a.cursor, (c) => c.id === h.id && c.removed === true)
    expect(a2.changes).toContainEqual({ entity: 'households', id: h.id, removed: true })
    const b2 = await pullUntil(t.as.wb, b.cursor, (c) => c.id === h.id && !c.removed)
    expect(b2.changes.some((c: { id: string; removed?: boolean }) => c.id === h.id && !c.removed)).toBe(true)
    const { rows } = await db.query<{ detail: { changes: string[] } }>(`SELECT detail FROM audit_log WHERE action = 'admin.grid.move'`)
    expect(rows[0].detail.changes).toEqual(['移到 第二网格'])
  })

  it('imports a GeoJSON of two grids and a micro-grid: a dry run first, then stored; again updates, not doubles', async () => {
    const file = collection(
      feature('东区网格', square(120.4, 36.1), { code: 'XGL-11' }),
      feature('西区网格', square(120.403, 36.1)),
      feature('西区第一微网格', square(120.4032, 36.1002, 0.0005), { parent: '西区网格' }),
    )
    const dry = await upload(t.as.sup1, t.c1.id, file, 'grids.geojson', '?dryRun=1')
    expect(dry.status).toBe(200)
    expect(dry.body.problems).toEqual([])
    expect(dry.body.grids.map((g: { name: string; level: string; action: string }) => `${g.name}/${g.level}/${g.action}`)).toEqual([
      '东区网格/grid/create', '西区网格/grid/create', '西区第一微网格/micro/create',
    ])
    const before = await gridCount()
    expect(before).toBe(6)
    const done = await upload(t.as.sup1, t.c1.id, file)
    expect(done.body).toMatchObject({ created: 3, updated: 0 })
    const tree = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/grids`, headers: t.as.sup1.headers })
    const west = tree.body.grids.find((g: { name: string }) => g.name === '西区网格')
    expect(tree.body.grids.find((g: { name: string }) => g.name === '西区第一微网格').parentId).toBe(west.id)
    expect(west.boundary.coordinates[0][0]).toEqual([120.403, 36.1])
    const again = await upload(t.as.sup1, t.c1.id, file)
    expect(again.body).toMatchObject({ created: 0, updated: 3 })
    expect(await gridCount()).toBe(before + 3)
  })

  it('converts a GCJ-02 file to WGS84', async () => {
    const done = await upload(t.as.sup1, t.c1.id, collection(feature('火星网格', square(120.4, 36.1))), 'gcj.geojson', '?crs=gcj02')
    expect(done.status).toBe(200)
    const tree = await injectJson(app, { method: 'GET', url: `/api/admin/communities/${t.c1.id}/grids`, headers: t.as.sup1.headers })
    const [lng, lat] = tree.body.grids.find((g: { name: string }) => g.name === '火星网格').boundary.coordinates[0][0]
    // GCJ-02 is offset a few hundred metres from WGS84 around Qingdao.
    expect(Math.abs(lng - 120.4)).toBeGreaterThan(0.002)
    expect(Math.abs(lat - 36.1)).toBeLessThan(0.01)
  })

  it('reads KML', async () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><name>北区网格</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
      120.4,36.1 120.402,36.1 120.402,36.102 120.4,36.102 120.4,36.1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
      </Document></kml>`
    const done = await upload(t.as.sup1, t.c1.id, kml, 'grids.kml')
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ created: 1 })
  })

  it('a bad file stores nothing and says every problem in words', async () => {
    const before = await gridCount()
    const notJson = await upload(t.as.sup1, t.c1.id, '{"type": "FeatureCollection", "features": [', 'x.geojson')
    expect(notJson.status).toBe(422)
    expect(notJson.body.message).toContain('不是有效的 GeoJSON')
    const brokenKml = await upload(t.as.sup1, t.c1.id, '<kml><Document><Placemark>', 'x.kml')
    expect(brokenKml.status).toBe(422)
    expect(brokenKml.body.message).toContain('KML 文件无法读取')
    const file = collection(
      feature('好网格', square(120.4, 36.1)),
      feature('交叉网格', BOW_TIE),
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square(120.41, 36.1)] } },
      feature('点', [[120.4, 36.1]]),
      feature('好网格', square(120.42, 36.1)),
      feature('微网格', square(120.43, 36.1), { parent: '不存在的网格' }),
    )
    const dry = await upload(t.as.sup1, t.c1.id, file, 'bad.geojson', '?dryRun=1')
    expect(dry.status).toBe(200)
    expect(dry.body.problems.map((p: { feature: number; message: string }) => `${p.feature}:${p.message}`)).toEqual([
      expect.stringMatching(/^2:边界自相交/),
      '3:缺少网格名称（属性 name 或 名称）',
      '4:边界至少要有 3 个角点',
      '5:文件里有两个“好网格”',
      '6:上级网格“不存在的网格”在本社区和文件里都找不到',
    ])
    const stored = await upload(t.as.sup1, t.c1.id, file, 'bad.geojson')
    expect(stored.status).toBe(400)
    expect(stored.body.message).toContain('5 处问题，没有导入任何网格')
    expect(await gridCount()).toBe(before)
  })
})
