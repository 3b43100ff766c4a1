/**
 * `npm run admin -- backup <file>` / `restore <file>` on the embedded database (server/backup.ts):
 * a restore brings back the records and the photos as they were at the backup, keeps the folder it
 * replaced, and gives the feed a new epoch (phones start over, keeping their outbox: see
 * tests/integration/feed-epoch.test.ts). PGlite only (PostgreSQL: pg_dump / pg_restore).
 */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { startBackupChannel, BACKUP_CHANNEL_FILE } from '../../server/backup'
import { runCli } from '../../server/cli'
import { lockDataFolder } from '../../server/dataFolder'
import { BlobStore } from '../../server/sync/blobStore'
import { openDatabase } from '../../server/db/adapter'
import { migrate } from '../../server/db/migrate'
import { putWholeRecords } from '../../server/records'
import { readFeedState } from '../../server/sync/feedState'
import { uuidv7 } from '../../src/domain/ids'
import { household } from './syncFixtures'

describe('backup and restore of the embedded database', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fullgrid-backup-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('restores records and photos as they were at the backup, under a new epoch', async () => {
    const data = join(dir, 'data')
    const env = { FULLGRID_DATA: data }
    const grid = uuidv7()
    const before = household(grid, { headName: '备份前' })
    const db = await openDatabase({ dataDir: data })
    await migrate(db)
    await db.transaction((tx) => putWholeRecords(tx, 'households', [before]))
    const epoch = (await readFeedState(db)).epoch
    await db.close()
    await mkdir(join(data, 'blobs', 'ab'), { recursive: true })
    await writeFile(join(data, 'blobs', 'ab', 'abcd'), Buffer.from([1, 2, 3]))

    const file = join(dir, 'fullgrid.bak')
    expect(await runCli(['backup', file], env)).toMatch(/1 photo file/)

    // after the backup: another record and the photo's loss
    const later = await openDatabase({ dataDir: data })
    await later.transaction((tx) => putWholeRecords(tx, 'households', [household(grid, { headName: '备份后' })]))
    await later.close()
    await rm(join(data, 'blobs'), { recursive: true })

    expect(await runCli(['restore', file], env)).toMatch(/restored/)
    const restored = await openDatabase({ dataDir: data })
    try {
      const { rows } = await restored.query<{ name: string }>("SELECT data->>'headName' AS name FROM records WHERE entity = 'households'")
      expect(rows.map((r) => r.name)).toEqual(['备份前'])
      expect((await readFeedState(restored)).epoch).not.toBe(epoch)
    } finally {
      await restored.close()
    }
    expect([...(await readFile(join(data, 'blobs', 'ab', 'abcd')))]).toEqual([1, 2, 3])
    // the folder it replaced is kept
    expect((await readdir(dir)).some((n) => n.startsWith('data.before-restore-'))).toBe(true)
    await expect(runCli(['restore', join(dir, 'missing.bak')], env)).rejects.toThrow()
  })

  it('backs up while the server runs and writes go on: the restore has every pair whole, every photo', async () => {
    // What main.ts does on the embedded database: hold the folder, open it, open the backup channel.
    const data = join(dir, 'live')
    const lock = lockDataFolder(data)
    const db = await openDatabase({ dataDir: data })
    await migrate(db)
    const blobs = new BlobStore(join(data, 'blobs'))
    const channel = await startBackupChannel({ db, dataDir: data, blobDir: join(data, 'blobs') })
    const grid = uuidv7()
    let pairs = 0
    let writing = true
    const photos: string[] = []
    // Each transaction writes a pair of households and a photo: a consistent copy has whole pairs.
    const writer = (async () => {
      while (writing) {
        const n = pairs
        await db.transaction((tx) =>
          putWholeRecords(tx, 'households', [household(grid, { headName: `pair-${n}-a` }), household(grid, { headName: `pair-${n}-b` })]),
        )
        const bytes = Buffer.from(`photo ${n}`)
        const sha = createHash('sha256').update(bytes).digest('hex')
        await blobs.put(sha, bytes)
        photos.push(sha)
        pairs++
      }
    })()
    try {
      while (pairs < 5) await new Promise((r) => setTimeout(r, 10))
      const pairsBefore = pairs
      const photosBefore = photos.slice()
      const file = join(dir, 'live.bak')
      // The lock is held: the CLI cannot open the folder and must ask the running server.
      expect(await runCli(['backup', file], { FULLGRID_DATA: data })).toMatch(/taken by the running server/)
      const pairsAfter = pairs
      expect(pairsAfter).toBeGreaterThan(0)
      // a restore onto a folder in use is refused; the server keeps running
      await expect(runCli(['restore', file], { FULLGRID_DATA: data })).rejects.toThrow(/正被另一个 FullGrid 进程使用/)
      writing = false
      await writer

      const fresh = join(dir, 'fresh')
      expect(await runCli(['restore', file], { FULLGRID_DATA: fresh })).toMatch(/restored/)
      // the running server's channel file came along in the dump; the restored folder drops it
      expect((await readdir(fresh)).includes(BACKUP_CHANNEL_FILE)).toBe(false)
      const restored = await openDatabase({ dataDir: fresh })
      try {
        const { rows } = await restored.query<{ name: string }>("SELECT data->>'headName' AS name FROM records WHERE entity = 'households'")
        const byPair = new Map<string, number>()
        for (const { name } of rows) {
          const pair = name.replace(/-[ab]$/, '')
          byPair.set(pair, (byPair.get(pair) ?? 0) + 1)
        }
        expect([...byPair.values()].every((c) => c === 2)).toBe(true)
        // everything committed before the backup began is there; nothing after it ended
        expect(byPair.size).toBeGreaterThanOrEqual(pairsBefore)
        expect(byPair.size).toBeLessThanOrEqual(pairsAfter + 1)
        for (let i = 0; i < pairsBefore; i++) expect(byPair.get(`pair-${i}`)).toBe(2)
      } finally {
        await restored.close()
      }
      for (const sha of photosBefore) {
        expect(createHash('sha256').update(await readFile(join(fresh, 'blobs', sha.slice(0, 2), sha))).digest('hex')).toBe(sha)
      }
    } finally {
      writing = false
      await writer
      await channel.close()
      await db.close()
      lock.release()
    }
    // the channel's file goes with the server: a later backup takes the lock itself
    expect((await readdir(data)).includes(BACKUP_CHANNEL_FILE)).toBe(false)
    expect(await runCli(['backup', join(dir, 'stopped.bak')], { FULLGRID_DATA: data })).not.toMatch(/running server/)
  })

  it('the backup channel listens on loopback only and answers only with the secret', async () => {
    const data = join(dir, 'auth')
    const db = await openDatabase({ dataDir: data })
    await migrate(db)
    const channel = await startBackupChannel({ db, dataDir: data, blobDir: join(data, 'blobs') })
    try {
      const info = JSON.parse(await readFile(join(data, BACKUP_CHANNEL_FILE), 'utf8')) as { port: number; secret: string }
      const status = (authorization?: string) =>
        new Promise<number>((ok, fail) => {
          const req = request({ host: '127.0.0.1', port: info.port, method: 'POST', path: '/backup', headers: authorization ? { authorization } : {} }, (res) => {
            res.resume()
            ok(res.statusCode ?? 0)
          })
          req.on('error', fail)
          req.end()
        })
      expect(await status()).toBe(401)
      expect(await status(`Bearer ${info.secret.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)).toBe(401)
      expect(await status(`Bearer ${info.secret}`)).toBe(200)
    } finally {
      await channel.close()
      await db.close()
    }
  })
})
