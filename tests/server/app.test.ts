import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { buildApp } from '../../server/app'
import { seedDemo, demoMarker, type DemoCommunity } from '../../server/seed'
import { migrate } from '../../server/db/migrate'
import { buildTestApp, injectJson, login, serverHlc, testDatabases } from './helper'
import { uuidv7 } from '../../src/domain/ids'
import { ENTITY_NAMES } from '../../src/domain/entities'
import type { Grid, Household, User } from '../../src/domain/entities'

describe.each(testDatabases())('app on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  beforeEach(async () => {
    db = await tdb.open()
    app = await buildTestApp(db, { version: '9.9.9' })
  })
  afterEach(async () => {
    await app.close()
    await db.close()
  })

  it('answers health with the database kind and version', async () => {
    const res = await injectJson(app, { method: 'GET', url: '/api/health' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true, db: tdb.name, version: '9.9.9' })
    expect((await app.inject({ method: 'GET', url: '/api/health/' })).statusCode).toBe(200)
  })

  it('sets security headers with a CSP that lets the app and map tiles load, on 404s too', async () => {
    for (const url of ['/api/health', '/api/missing']) {
    const res = await app.inject({ method: 'GET', url })
    const csp = String(res.headers['content-security-policy'])
    // WebAssembly for the PIN's Argon2id; never 'unsafe-eval' (strings as code).
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(csp).not.toContain("'unsafe-eval'")
    expect(csp).toContain("style-src 'self' 'unsafe-inline'")
    expect(csp).toMatch(/img-src [^;]*data:[^;]*blob:[^;]*https:/)
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
  })

  it('compresses large API answers with brotli or gzip, small ones not', async () => {
    const custom = await buildApp({ db, staticDir: null, logger: false })
    custom.get('/api/big', async () => ({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: '网格员' })) }))
    try {
      for (const encoding of ['br', 'gzip']) {
        const res = await custom.inject({ method: 'GET', url: '/api/big', headers: { 'accept-encoding': encoding } })
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-encoding']).toBe(encoding)
        expect(res.rawPayload.length).toBeLessThan(1000)
      }
      const small = await custom.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'gzip' } })
      expect(small.headers['content-encoding']).toBeUndefined()
      expect(small.json().ok).toBe(true)
    } finally {
      await custom.close()
    }
  })

  describe('error answers', () => {
    it('unknown /api route is a JSON 404', async () => {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        const res = await injectJson(app, { method, url: '/api/nothing/here?x=1' })
        expect(res.status).toBe(404)
        expect(res.body).toEqual({ error: 'not_found', message: expect.stringContaining('/api/nothing/here') })
        expect(res.headers['content-type']).toMatch(/application\/json/)
      }
    })

    it('missing fields name the field', async () => {
      const res = await injectJson(app, { method: 'POST', url: '/api/auth/login', payload: { username: 'a' } })
      expect(res.status).toBe(400)
      expect(res.body.error).toBe('invalid_request')
      expect(res.body.message).toMatch(/password: /)
      expect(res.body.message).toMatch(/deviceId: /)
    })

    it('wrong types name the field', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 42, password: 'x', deviceId: 'bad id with spaces' },
      })
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(/username: .*string/i)
      expect(res.body.message).toMatch(/deviceId: must be 1–64/)
    })

    it('a missing body is a readable 400', async () => {
      const res = await injectJson(app, { method: 'POST', url: '/api/auth/login' })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: 'invalid_request', message: expect.stringContaining('请求内容不正确') })
    })

    it('malformed JSON is 400 invalid_json', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"username": "a",',
      })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: 'invalid_json', message: expect.any(String) })
    })

    it('prototype pollution in JSON is refused, not a 500', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"__proto__": {"admin": true}, "username": "a", "password": "b", "deviceId": "d"}',
      })
      expect(res.status).toBe(400)
      expect(res.body.error).toBe('invalid_json')
    })

    it('non-JSON content is 415 with a readable message', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'text/plain' },
        payload: 'username=a&password=b',
      })
      expect(res.status).toBe(415)
      expect(res.body).toEqual({ error: 'unsupported_media_type', message: expect.stringContaining('JSON') })
    })

    it('an oversized body is 413 JSON', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'a', password: 'b', deviceId: 'd', pad: 'x'.repeat(11 * 1024 * 1024) }),
      })
      expect(res.status).toBe(413)
      expect(res.body).toEqual({ error: 'payload_too_large', message: expect.stringContaining('10 MB') })
    })

    it('an empty JSON body on a bodiless POST is accepted', async () => {
      const res = await injectJson(app, {
        method: 'POST',
        url: '/api/auth/logout',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + 'a'.repeat(43) },
        payload: '',
      })
      expect(res.status).toBe(200)
    })

    it('a failing handler answers 500 without internals', async () => {
      const broken = await buildApp({ db, staticDir: null, logger: false })
      broken.get('/api/boom', async () => {
        throw new Error('secret connection string postgres://u:p@h')
      })
      try {
        const res = await injectJson(broken, { method: 'GET', url: '/api/boom' })
        expect(res.status).toBe(500)
        expect(res.body).toEqual({ error: 'internal_error', message: expect.any(String) })
        expect(JSON.stringify(res.body)).not.toContain('postgres://')
      } finally {
        await broken.close()
      }
    })
  })

  it('seedDemo inserts the community and its accounts once', async () => {
    const community = smallCommunity()
    const first = await seedDemo(db, community, 'demo-pass-1')
    expect(first.seeded).toBe(true)
    expect(first.marker.accounts.map((a) => a.username)).toEqual(['supervisor', 'worker01', 'admin'])

    const again = await seedDemo(db, smallCommunity(), 'other-pass')
    expect(again.seeded).toBe(false)
    expect(again.marker.communityId).toBe(community.communityId)
    expect(await demoMarker(db)).toEqual(first.marker)

    const { rows } = await db.query<{ entity: string; n: number }>(
      'SELECT entity, count(*)::int AS n FROM records GROUP BY entity ORDER BY entity',
    )
    expect(rows).toEqual([
      { entity: 'grids', n: 1 },
      { entity: 'households', n: 1 },
      { entity: 'users', n: 3 },
    ])
    const creds = await db.query<{ username: string; password_hash: string }>('SELECT username, password_hash FROM credentials')
    expect(creds.rows).toHaveLength(3)
    // one hash shared by every demo account (hashed once)
    expect(new Set(creds.rows.map((r) => r.password_hash)).size).toBe(1)

    const me = await login(app, 'worker01', 'demo-pass-1')
    expect(me.user).toEqual({ id: community.accounts[1].userId, name: '张伟', role: 'worker', gridIds: [community.records.grids[0].id] })
    const res = await injectJson(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'worker01', password: 'other-pass', deviceId: 'd1' },
    })
    expect(res.status).toBe(401)
  })
})

describe.each(testDatabases())('static app on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fullgrid-static-'))
    await mkdir(join(dir, 'assets'))
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>满格</title><div id="app"></div>')
    await writeFile(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);'.repeat(200))
    db = await tdb.open()
    await migrate(db)
    app = await buildApp({ db, staticDir: dir, logger: false })
  })
  afterEach(async () => {
    await app.close()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves index.html for client routes that accept HTML', async () => {
    for (const url of ['/', '/ledger/households/123', '/patrol?grid=1']) {
      const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml' } })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toMatch(/text\/html/)
      expect(res.body).toContain('<div id="app">')
      expect(res.headers['cache-control']).toBe('no-cache')
    }
  })

  it('does not fall back for missing files that are not HTML, nor for /api', async () => {
    const asset = await injectJson(app, { method: 'GET', url: '/assets/missing.js', headers: { accept: '*/*' } })
    expect(asset.status).toBe(404)
    expect(asset.body.error).toBe('not_found')
    const api = await injectJson(app, { method: 'GET', url: '/api/unknown', headers: { accept: 'text/html' } })
    expect(api.status).toBe(404)
    expect(api.body.error).toBe('not_found')
  })

  it('caches hashed assets forever and sw.js never', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const sw = await app.inject({ method: 'GET', url: '/sw.js' })
    expect(sw.statusCode).toBe(200)
    expect(sw.headers['cache-control']).toBe('no-cache')
    const gz = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
  })

  it('still answers the API', async () => {
    const res = await injectJson(app, { method: 'GET', url: '/api/health' })
    expect(res.status).toBe(200)
    expect(res.body.ok).toBe(true)
  })
})

describe('server/main.ts', () => {
  it('starts in demo mode on a free port, prints the address and the accounts, serves, stops on SIGTERM', async () => {
    const data = await mkdtemp(join(tmpdir(), 'fullgrid-main-'))
    // Node with tsx as a loader, so SIGTERM reaches the server itself: npx does not pass it on, and
    // tsx's CLI relays it but kills the server when the relay is not confirmed within 30 ms (exit
    // 143 on a busy machine).
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', FULLGRID_DATA: data, FULLGRID_DEMO: '1', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const exited = once(child, 'exit')
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /^FullGrid listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(out)
          if (m && /^Demo accounts.*\n/m.test(out.slice(m.index))) {
            clearInterval(timer)
            resolve(m[1])
          } else if (child.exitCode !== null) {
            clearInterval(timer)
            reject(new Error(`server exited: ${out}`))
          }
        }, 100)
      })
      expect(url).not.toMatch(/:0$/)
      expect(out).toContain(`Supervisors (console): ${url}/console\n`)
      expect(out).toContain(`Workers (phone app): ${url}/\n`)
      expect(out).toMatch(/^Demo accounts \(password demo1234\): supervisor, worker01, .*worker20, supervisor2, worker21, worker22, admin$/m)
      const health = await (await fetch(`${url}/api/health`)).json()
      expect(health).toMatchObject({ ok: true, db: 'pglite' })
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'worker01', password: 'demo1234', deviceId: 'main-test' }),
      })
      expect(res.status).toBe(200)
      child.kill('SIGTERM')
      const [code] = await exited
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
      await rm(data, { recursive: true, force: true })
    }
  }, 120_000)
})

/** A hand-made community in the shape demo/generate.ts produces. */
function smallCommunity(): DemoCommunity {
  const hlc = serverHlc()
  const communityId = uuidv7()
  const supervisorId = uuidv7()
  const workerId = uuidv7()
  const grid: Grid = {
    id: uuidv7(), hlc, deleted: false, communityId, parentId: null, level: 'grid', name: '第一网格', code: 'G01',
    boundary: null, workerIds: [workerId],
  }
  const users: User[] = [
    { id: supervisorId, hlc, deleted: false, name: '李芳', role: 'supervisor', gridIds: [grid.id], phone: '' },
    { id: workerId, hlc, deleted: false, name: '张伟', role: 'worker', gridIds: [grid.id], phone: '13800000000' },
  ]
  const household: Household = {
    id: uuidv7(), hlc, deleted: false, gridId: grid.id, buildingId: null, unit: '1', room: '101', address: '幸福小区1号楼1单元101',
    headName: '王秀英', phone: '', members: [], tags: ['living_alone_elder'], health: '', situation: '', needs: '', notes: '',
  }
  const records = Object.fromEntries(ENTITY_NAMES.map((e) => [e, []])) as unknown as DemoCommunity['records']
  records.grids = [grid]
  records.users = users
  records.households = [household]
  return {
    communityId,
    records,
    accounts: [
      { username: 'supervisor', userId: supervisorId, role: 'supervisor' },
      { username: 'worker01', userId: workerId, role: 'worker' },
    ],
  }
}
