/**
 * Issue 18: what setting up a street office costs on the server (embedded PGlite): importing a
 * GeoJSON of 120 polygons (40 grids, each with two micro-grids) and a staff sheet of 500 rows,
 * each as a dry run (预检) and for real, through the HTTP routes.
 *   npm run -s bench -- --only admin
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../server/db/adapter'
import { migrate } from '../server/db/migrate'
import { seedDemo } from '../server/seed'
import { buildApp } from '../server/app'
import { generateCommunity } from '../demo/generate'

function multipart(text: string, filename: string) {
  const boundary = '----bench' + Math.random().toString(16).slice(2)
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const square = (lng: number, lat: number, d: number) => [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]

export function cityGeoJson(grids = 40): string {
  const features = []
  for (let i = 0; i < grids; i++) {
    const lng = 120.3 + (i % 8) * 0.01
    const lat = 36.0 + Math.floor(i / 8) * 0.01
    features.push({ type: 'Feature', properties: { name: `第${i + 1}网格`, code: `B-${i + 1}` }, geometry: { type: 'Polygon', coordinates: [square(lng, lat, 0.009)] } })
    for (let m = 0; m < 2; m++) {
      features.push({
        type: 'Feature',
        properties: { name: `第${i + 1}网格第${m + 1}微网格`, code: `B-${i + 1}-${m + 1}`, parent: `第${i + 1}网格` },
        geometry: { type: 'Polygon', coordinates: [square(lng + m * 0.0045, lat, 0.0044)] },
      })
    }
  }
  return JSON.stringify({ type: 'FeatureCollection', features })
}

export interface AdminBenchResult {
  boundaries: { polygons: number; dryRunMs: number; importMs: number; created: number }
  staff: { rows: number; dryRunMs: number; importMs: number; created: number }
}

export async function benchAdmin(): Promise<AdminBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'fullgrid-admin-'))
  const db = await openDatabase({ dataDir: dir })
  try {
    await migrate(db)
    await seedDemo(db, generateCommunity({ households: 100 }), 'bench-pass-1')
    const app = await buildApp({ db, staticDir: null, logger: false })
    await app.ready()
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'bench-pass-1', deviceId: 'bench-admin' } })
    const auth = { authorization: `Bearer ${login.json().token}` }
    const made = await app.inject({ method: 'POST', url: '/api/admin/communities', headers: auth, payload: { name: '基准社区', code: 'BENCH' } })
    const communityId = made.json().community.id as string

    const geo = cityGeoJson(40)
    const timed = async (url: string, text: string, name: string) => {
      const { payload, headers } = multipart(text, name)
      const t = performance.now()
      const res = await app.inject({ method: 'POST', url, payload, headers: { ...headers, ...auth } })
      const ms = performance.now() - t
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
      return { ms: Math.round(ms), body: res.json() }
    }
    const bDry = await timed(`/api/admin/communities/${communityId}/boundaries?dryRun=1`, geo, 'grids.geojson')
    const bRun = await timed(`/api/admin/communities/${communityId}/boundaries`, geo, 'grids.geojson')

    const rows = ['姓名,用户名,手机,角色,网格']
    for (let i = 0; i < 500; i++) rows.push(`网格员${i},bench${i},138${String(i).padStart(8, '0')},网格员,第${(i % 40) + 1}网格`)
    const csv = rows.join('\n')
    const sDry = await timed(`/api/admin/communities/${communityId}/people/import?dryRun=1`, csv, 'staff.csv')
    const sRun = await timed(`/api/admin/communities/${communityId}/people/import`, csv, 'staff.csv')
    await app.close()
    return {
      boundaries: { polygons: 120, dryRunMs: bDry.ms, importMs: bRun.ms, created: bRun.body.created },
      staff: { rows: 500, dryRunMs: sDry.ms, importMs: sRun.ms, created: sRun.body.created },
    }
  } finally {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
}
