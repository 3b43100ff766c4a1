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
import { runCli } from '../../server/cli'
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
})
