/**
 * Every bad input gets a readable 4xx, and a full disk a readable 507 (issue 7.10).
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { buildApp } from '../../server/app'
import { BlobStore } from '../../server/sync/blobStore'
import { buildTestApp, createTestUser, injectJson, login, testDatabases } from './helper'

/** A blob store on a disk that is full: the kernel's /dev/full answers every write with ENOSPC. */
class FullDiskStore extends BlobStore {
  protected override async writeFile(_path: string, bytes: Uint8Array): Promise<void> {
    await super.writeFile('/dev/full', bytes)
  }
}

/** The database as it answers when its disk is full (SQLSTATE 53100 disk_full). */
function fullDatabase(db: Database): Database {
  const diskFull = () => Object.assign(new Error('could not extend file "base/5/16384": No space left on device'), { code: '53100' })
  return {
    ...db,
    kind: db.kind,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    close: db.close.bind(db),
    transaction: async () => {
      throw diskFull()
    },
  }
}

describe.each(testDatabases())('bad input on $name', { timeout: 120_000 }, (tdb) => {
  let db: Database
  let app: FastifyInstance
  afterEach(async () => {
    await app.close()
    await db.close()
  })

  it('a NUL character in username, password or device name is a readable 400, not a 500', async () => {
    db = await tdb.open()
    app = await buildTestApp(db)
    const u = await createTestUser(db, { username: 'worker01' })
    const cases = [
      { username: 'worker\u000001', password: u.password, deviceId: 'phone-1' },
      { username: 'worker01', password: 'pass\u0000word', deviceId: 'phone-1' },
      { username: 'worker01', password: u.password, deviceId: 'phone-1', deviceName: '小米\u0000手机' },
    ]
    for (const payload of cases) {
      const res = await injectJson(app, { method: 'POST', url: '/api/auth/login', payload })
      expect(res.status, JSON.stringify(payload)).toBe(400)
      expect(res.body).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^请求内容不正确：.*(control|NUL)/) })
    }
    // The right login still works: nothing was half-written.
    expect((await injectJson(app, { method: 'POST', url: '/api/auth/login', payload: { username: 'worker01', password: u.password, deviceId: 'phone-1' } })).status).toBe(200)
  })

  it('a full disk while storing a photo answers 507 with a message', async () => {
    db = await tdb.open()
    const dir = await mkdtemp(join(tmpdir(), 'fullgrid-full-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    app = await buildTestApp(db, { blobs: new FullDiskStore(dir) })
    const u = await createTestUser(db, { username: 'photographer' })
    const session = await login(app, u.username, u.password)
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096)])
    const sha = createHash('sha256').update(bytes).digest('hex')
    const res = await injectJson(app, {
      method: 'PUT',
      url: `/api/blobs/${sha}`,
      headers: { ...session.headers, 'content-type': 'image/jpeg' },
      payload: bytes,
    })
    expect(res.status).toBe(507)
    expect(res.body).toEqual({ error: 'insufficient_storage', message: expect.stringContaining('存储空间已满') })
    // Nothing claims the photo is stored.
    const { rows } = await db.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha])
    expect(rows).toHaveLength(0)
  })

  it('a full database disk answers 507 with a message', async () => {
    const real = await tdb.open()
    db = real
    const setup = await buildTestApp(real)
    const u = await createTestUser(real, { username: 'worker01' })
    await setup.close()
    app = await buildApp({ db: fullDatabase(real), staticDir: null, logger: false })
    const res = await injectJson(app, { method: 'POST', url: '/api/auth/login', payload: { username: 'worker01', password: u.password, deviceId: 'phone-1' } })
    expect(res.status).toBe(507)
    expect(res.body).toEqual({ error: 'insufficient_storage', message: expect.stringContaining('存储空间已满') })
  })
})
