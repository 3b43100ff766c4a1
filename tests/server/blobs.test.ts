/** Photos: PUT/GET /api/blobs/:sha256 (DESIGN §4 "Blobs"), on PGlite and PostgreSQL. */
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { buildTestApp, createTestUser, injectJson, login, testDatabases, type LoggedIn } from './helper'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
/** Bytes that start like a JPEG (the server checks the magic number, not the rest). */
const photo = (size = 2048) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size)])
const MAGIC: Record<string, Buffer> = {
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/webp': Buffer.from('RIFF\x00\x00\x00\x00WEBP', 'latin1'),
}

describe.each(testDatabases())('blobs on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let as: LoggedIn
  beforeAll(async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    const u = await createTestUser(db, { username: 'photographer' })
    as = await login(app, u.username, u.password, 'dev-p')
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const put = (hash: string, body: Buffer | string, type = 'image/jpeg', headers: Record<string, string> = as.headers) =>
    injectJson(app, { method: 'PUT', url: `/api/blobs/${hash}`, headers: { ...headers, 'content-type': type }, payload: body })

  it('stores a photo once and serves it back with its type and a long immutable cache', async () => {
    const bytes = photo()
    const first = await put(sha(bytes), bytes)
    expect(first.status).toBe(201)
    const again = await put(sha(bytes), bytes)
    expect(again.status).toBe(200)
    const res = await app.inject({ method: 'GET', url: `/api/blobs/${sha(bytes)}`, headers: as.headers })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/jpeg')
    expect(res.headers['cache-control']).toMatch(/max-age=31536000.*immutable/)
    expect(Buffer.compare(res.rawPayload, bytes)).toBe(0)
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM blobs WHERE sha256 = $1', [sha(bytes)])
    expect(rows[0].n).toBe(1)
    const cached = await app.inject({ method: 'GET', url: `/api/blobs/${sha(bytes)}`, headers: { ...as.headers, 'if-none-match': `"${sha(bytes)}"` } })
    expect(cached.statusCode).toBe(304)
  })

  it('accepts PNG and WebP too', async () => {
    for (const type of ['image/png', 'image/webp']) {
      const bytes = Buffer.concat([MAGIC[type], randomBytes(100)])
      const res = await put(sha(bytes), bytes, type)
      expect(res.status, type).toBe(201)
      const got = await app.inject({ method: 'GET', url: `/api/blobs/${sha(bytes)}`, headers: as.headers })
      expect(got.headers['content-type']).toBe(type)
    }
  })

  it('answers 400 hash_mismatch when the bytes are not the named hash', async () => {
    const bytes = photo()
    const res = await put(sha(photo()), bytes)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: 'hash_mismatch', message: expect.any(String) })
    const missing = await app.inject({ method: 'GET', url: `/api/blobs/${sha(bytes)}`, headers: as.headers })
    expect(missing.statusCode).toBe(404)
  })

  it('answers 415 JSON for other content types', async () => {
    const bytes = Buffer.from('GIF89a')
    for (const type of ['image/gif', 'text/plain', 'application/octet-stream']) {
      const res = await put(sha(bytes), bytes, type)
      expect(res.status, type).toBe(415)
      expect(res.body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringMatching(/JPEG/) })
    }
    const json = await put(sha(Buffer.from('{}')), '{}', 'application/json')
    expect(json.status).toBe(415)
  })

  it('answers 413 JSON above 5 MB', async () => {
    const big = photo(5 * 1024 * 1024)
    const res = await put(sha(big), big)
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ error: 'payload_too_large', message: expect.stringMatching(/5 MB/) })
    // without a Content-Length (chunked upload) the limit is found while reading
    const chunked = await injectJson(app, {
      method: 'PUT',
      url: `/api/blobs/${sha(big)}`,
      headers: { ...as.headers, 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' },
      payload: Readable.from([big.subarray(0, 3_000_000), big.subarray(3_000_000)]),
    })
    expect(chunked.status).toBe(413)
    expect(chunked.body).toMatchObject({ error: 'payload_too_large', message: expect.stringMatching(/5 MB/) })
  })

  it('answers 404 JSON for an unknown photo and 400 for a malformed hash', async () => {
    const res = await injectJson(app, { method: 'GET', url: `/api/blobs/${'0'.repeat(64)}`, headers: as.headers })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: 'blob_not_found', message: expect.any(String) })
    const bad = await injectJson(app, { method: 'GET', url: '/api/blobs/not-a-hash', headers: as.headers })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: 'invalid_hash' })
  })

  it('requires a session for both', async () => {
    const bytes = photo()
    expect((await put(sha(bytes), bytes, 'image/jpeg', {})).status).toBe(401)
    expect((await app.inject({ method: 'GET', url: `/api/blobs/${sha(bytes)}` })).statusCode).toBe(401)
  })
})
