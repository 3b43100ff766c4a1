/**
 * Photos don't stall the server (issue 7.8): bytes are files under the blob folder, metadata in the
 * database; a per-user upload quota; bytes must be the declared image type; a photo is served
 * only to its uploader and to users who may see a record naming it; a record naming a photo the
 * server does not have is rejected (missing_blob).
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { photoIdsOf } from '../../server/sync/blobRefs'
import { sniffImageType } from '../../server/sync/blobs'
import { BlobStore } from '../../server/sync/blobStore'
import type { Grid, IssueEvent } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, serverHlc, testDatabases, type LoggedIn } from './helper'
import { create, household, issue, patrol, push, testClock, update, visit } from './syncFixtures'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const jpeg = (size = 2048) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size)])
const png = (size = 256) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size)])

/** A store whose writes wait until the test lets them go, and say when they started. */
class GatedStore extends BlobStore {
  entered!: Promise<void>
  private enter!: () => void
  private gate!: Promise<void>
  release!: () => void
  constructor(dir: string) {
    super(dir)
    this.entered = new Promise((r) => (this.enter = r))
    this.gate = new Promise((r) => (this.release = r))
  }
  protected override async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    this.enter()
    await this.gate
    await super.writeFile(path, bytes)
  }
}

describe('sniffImageType and photoIdsOf', () => {
  it('knows JPEG, PNG and WebP by their magic numbers, and nothing else', () => {
    expect(sniffImageType(jpeg(10))).toBe('image/jpeg')
    expect(sniffImageType(png(10))).toBe('image/png')
    expect(sniffImageType(Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), randomBytes(10)]))).toBe('image/webp')
    expect(sniffImageType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull()
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeNull()
  })

  it('finds photos where each entity names them', () => {
    const a = 'a'.repeat(64)
    const b = 'b'.repeat(64)
    expect(photoIdsOf('visits', { photoIds: [a] })).toEqual([a])
    expect(photoIdsOf('issues', { photoIds: [a, b] })).toEqual([a, b])
    expect(photoIdsOf('patrols', { answers: [{ photoIds: [a] }, { photoIds: [] }, { photoIds: [b] }] })).toEqual([a, b])
    expect(photoIdsOf('issueEvents', { data: { photoIds: [b] } })).toEqual([b])
    expect(photoIdsOf('households', { photoIds: [a] })).toEqual([])
  })
})

describe.each(testDatabases())('photos as files on $name', { timeout: 120_000 }, (tdb) => {
  let db: Database
  let app: FastifyInstance
  let dir: string
  let grid: Grid
  let otherGrid: Grid
  const users: Record<string, LoggedIn & { id: string; clock: () => string; device: string }> = {}

  async function start(opts: { store?: BlobStore; quota?: number } = {}) {
    app = await buildTestApp(db, { blobs: opts.store ?? dir, uploadQuotaBytes: opts.quota })
  }
  async function user(name: string, role: 'worker' | 'supervisor', gridIds: string[]) {
    const u = await createTestUser(db, { username: name, role, gridIds })
    const device = `dev-${name}`
    users[name] = { ...(await login(app, u.username, u.password, device)), id: u.id, clock: testClock(device), device }
    return users[name]
  }
  const put = (as: LoggedIn, bytes: Buffer, type = 'image/jpeg', hash = sha(bytes)) =>
    injectJson(app, { method: 'PUT', url: `/api/blobs/${hash}`, headers: { ...as.headers, 'content-type': type }, payload: bytes })
  const get = (as: LoggedIn, hash: string) => app.inject({ method: 'GET', url: `/api/blobs/${hash}`, headers: as.headers })

  beforeEach(async () => {
    db = await tdb.open()
    dir = await mkdtemp(join(tmpdir(), 'fullgrid-blobs-test-'))
  })
  afterEach(async () => {
    await app?.close()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('stores the bytes as a content-addressed file and only metadata in the database', async () => {
    await start()
    const w = await user('w1', 'worker', [])
    const bytes = jpeg()
    const res = await put(w, bytes)
    expect(res.status).toBe(201)
    const file = join(dir, sha(bytes).slice(0, 2), sha(bytes))
    expect(readFileSync(file).equals(bytes)).toBe(true)
    const { rows } = await db.query<{ bytes: unknown; size: number; content_type: string }>(
      'SELECT bytes, size, content_type FROM blobs WHERE sha256 = $1',
      [sha(bytes)],
    )
    expect(rows).toEqual([{ bytes: null, size: bytes.length, content_type: 'image/jpeg' }])
    // No temp files left behind.
    expect(existsSync(join(dir, 'tmp')) ? readdirSync(join(dir, 'tmp')) : []).toEqual([])
    const got = await get(w, sha(bytes))
    expect(got.statusCode).toBe(200)
    expect(got.rawPayload.equals(bytes)).toBe(true)
  })

  it('a pull is answered while a 5 MB upload is being written', async () => {
    const store = new GatedStore(dir)
    await start({ store })
    const w = await user('w1', 'worker', [])
    const bytes = jpeg(5 * 1024 * 1024 - 100)
    const order: string[] = []
    const upload = put(w, bytes).then((r) => {
      order.push('upload')
      return r
    })
    await store.entered
    // Whatever happens, let the upload finish in the end, so a held-up pull shows as a wrong order
    // rather than a hung test.
    const fallback = setTimeout(() => store.release(), 5_000)
    const pull = await injectJson(app, { method: 'GET', url: '/api/sync/pull', headers: w.headers })
    order.push('pull')
    store.release()
    clearTimeout(fallback)
    expect(pull.status).toBe(200)
    expect((await upload).status).toBe(201)
    expect(order).toEqual(['pull', 'upload'])
  })

  it('refuses bytes that are not the declared image type', async () => {
    await start()
    const w = await user('w1', 'worker', [])
    const asJpeg = await put(w, png(), 'image/jpeg')
    expect(asJpeg.status).toBe(415)
    expect(asJpeg.body).toEqual({ error: 'type_mismatch', message: '照片内容是 PNG，与声明的 JPEG 不符' })
    const html = Buffer.from('<html><script>alert(1)</script></html>')
    const fake = await put(w, html, 'image/png')
    expect(fake.status).toBe(415)
    expect(fake.body.error).toBe('type_mismatch')
    expect(fake.body.message).toContain('不是 PNG 图片')
    const { rows } = await db.query('SELECT 1 FROM blobs')
    expect(rows).toHaveLength(0)
  })

  it('keeps a per-user upload quota with a readable 413; a photo already stored costs nothing', async () => {
    await start({ quota: 10_000 })
    const w = await user('w1', 'worker', [])
    const other = await user('w2', 'worker', [])
    const first = jpeg(6_000)
    expect((await put(w, first)).status).toBe(201)
    const over = await put(w, jpeg(6_000))
    expect(over.status).toBe(413)
    expect(over.body).toEqual({ error: 'quota_exceeded', message: expect.stringContaining('24 小时内上传的照片已达上限') })
    // A retry of a stored photo, and another user's uploads, are not affected.
    expect((await put(w, first)).status).toBe(200)
    expect((await put(other, jpeg(6_000))).status).toBe(201)
    // Uploads older than a day no longer count.
    await db.query(`UPDATE blobs SET created_at = now() - interval '25 hours' WHERE created_by = $1::uuid`, [w.id])
    expect((await put(w, jpeg(6_000))).status).toBe(201)
  })

  describe('who may read a photo', () => {
    beforeEach(async () => {
      await start()
      grid = await createTestGrid(db)
      otherGrid = await createTestGrid(db, { name: '第二网格', code: 'G02' })
      await user('author', 'worker', [grid.id])
      await user('colleague', 'worker', [grid.id])
      await user('stranger', 'worker', [otherGrid.id])
      await user('boss', 'supervisor', [grid.id])
    })

    it('the uploader always; others once a record they can see names it', async () => {
      const { author, colleague, stranger, boss } = users
      const bytes = jpeg()
      expect((await put(author, bytes)).status).toBe(201)
      expect((await get(author, sha(bytes))).statusCode).toBe(200)
      // Named by nothing yet: only its uploader knows it.
      const unseen = await get(colleague, sha(bytes))
      expect(unseen.statusCode).toBe(404)
      expect(unseen.json()).toMatchObject({ error: 'blob_not_found' })

      const h = household(grid.id)
      await putWholeRecords(db, 'households', [{ ...h, hlc: serverHlc() }])
      const v = visit(h, author.id, { photoIds: [sha(bytes)] })
      const [result] = await push(app, author, [create('visits', v, author.clock())], author.device)
      expect(result.status).toBe('applied')

      expect((await get(colleague, sha(bytes))).statusCode).toBe(200)
      expect((await get(boss, sha(bytes))).statusCode).toBe(200)
      expect((await get(stranger, sha(bytes))).statusCode).toBe(404)
    })

    it("a patrol's photos follow the patrol's privacy; an issue event's follow its issue", async () => {
      const { author, colleague, boss, stranger } = users
      const patrolPhoto = jpeg()
      const eventPhoto = jpeg()
      for (const b of [patrolPhoto, eventPhoto]) expect((await put(author, b)).status).toBe(201)
      const p = patrol(grid.id, author.id, { answers: [{ itemId: 'fire', status: 'problem', note: '', photoIds: [sha(patrolPhoto)] }] })
      const [result] = await push(app, author, [create('patrols', p, author.clock())], author.device)
      expect(result.status).toBe('applied')
      expect((await get(boss, sha(patrolPhoto))).statusCode).toBe(200)
      // A patrol is seen by the workers of its grid (日日巡 is the grid's), not beyond it.
      expect((await get(colleague, sha(patrolPhoto))).statusCode).toBe(200)
      expect((await get(stranger, sha(patrolPhoto))).statusCode).toBe(404)

      // An event naming a photo (written as the server stores it: the issue's grid).
      const i = issue(grid.id, author.id)
      await putWholeRecords(db, 'issues', [{ ...i, hlc: serverHlc() }])
      const e: IssueEvent = {
        id: uuidv7(), hlc: serverHlc(), deleted: false, issueId: i.id, type: 'progress', actorId: author.id, at: Date.now(),
        data: { note: '已清理', photoIds: [sha(eventPhoto)] },
      }
      await putWholeRecords(db, 'issueEvents', [e], { gridId: () => grid.id })
      expect((await get(colleague, sha(eventPhoto))).statusCode).toBe(200)
      expect((await get(stranger, sha(eventPhoto))).statusCode).toBe(404)
    })

    it('a record naming a photo the server does not have is rejected with missing_blob', async () => {
      const { author } = users
      const h = household(grid.id)
      await putWholeRecords(db, 'households', [{ ...h, hlc: serverHlc() }])
      const bytes = jpeg()
      const v = visit(h, author.id, { photoIds: [sha(bytes)] })
      const m = create('visits', v, author.clock())
      const [first] = await push(app, author, [m], author.device)
      expect(first).toMatchObject({ status: 'rejected', code: 'missing_blob', params: { photoId: sha(bytes) } })
      // Upload first, then the same mutation goes through.
      expect((await put(author, bytes)).status).toBe(201)
      const [second] = await push(app, author, [m], author.device)
      expect(second.status).toBe('applied')

      // A patrol naming a stored photo whose file and row are lost later: other edits of the
      // patrol still apply; a newly added unknown photo does not.
      const answer = { itemId: 'fire', status: 'problem' as const, note: '', photoIds: [sha(bytes)] }
      const p = patrol(grid.id, author.id, { answers: [answer] })
      expect((await push(app, author, [create('patrols', p, author.clock())], author.device))[0].status).toBe('applied')
      await db.query('DELETE FROM blobs WHERE sha256 = $1', [sha(bytes)])
      const walked = update('patrols', p.id, { distanceM: 850 }, author.clock())
      expect((await push(app, author, [walked], author.device))[0]).toMatchObject({ status: 'applied' })
      const unknown = 'c'.repeat(64)
      const addPhoto = update('patrols', p.id, { answers: [{ ...answer, photoIds: [sha(bytes), unknown] }] }, author.clock())
      const [refused] = await push(app, author, [addPhoto], author.device)
      expect(refused).toMatchObject({ status: 'rejected', code: 'missing_blob', params: { photoId: unknown } })
    })
  })

  it('moves photos stored in the database before migration 006 into files at start', async () => {
    await start()
    const w = await user('w1', 'worker', [])
    await app.close()
    const bytes = jpeg()
    await db.query(`INSERT INTO blobs (sha256, content_type, size, bytes, created_by) VALUES ($1, 'image/jpeg', $2, $3, $4::uuid)`, [
      sha(bytes),
      bytes.length,
      bytes,
      w.id,
    ])
    await start()
    expect(readFileSync(join(dir, sha(bytes).slice(0, 2), sha(bytes))).equals(bytes)).toBe(true)
    const { rows } = await db.query<{ bytes: unknown }>('SELECT bytes FROM blobs WHERE sha256 = $1', [sha(bytes)])
    expect(rows[0].bytes).toBeNull()
    const session = await login(app, 'w1', 'test-password-1', 'dev-w1')
    const got = await get(session, sha(bytes))
    expect(got.statusCode).toBe(200)
    expect(got.rawPayload.equals(bytes)).toBe(true)
  })
})
