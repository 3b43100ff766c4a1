/**
 * Migration 044: campaigns and targets written by a server of migration 043 (their own tables)
 * move into `records` — walking order kept as `seq` — and reach the worker's phone by pull and
 * the worker's list, as if published after the upgrade. On PGlite and PostgreSQL.
 */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/adapter'
import { migrate } from '../../server/db/migrate'
import { putWholeRecords } from '../../server/records'
import { uuidv7 } from '../../src/domain/ids'
import { buildTestApp, createTestGrid, createTestUser, injectJson, login, serverHlc, testDatabases } from './helper'

const REPO_MIGRATIONS = fileURLToPath(new URL('../../server/db/migrations/', import.meta.url))
const DAY = 86_400_000

describe.each(testDatabases())('migration 044 (campaigns into records) on $name', (tdb) => {
  let db: Database
  let dir: string

  beforeEach(async () => {
    db = await tdb.open()
    dir = await mkdtemp(join(tmpdir(), 'fullgrid-migrations-'))
  })
  afterEach(async () => {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('moves a published campaign and its targets, in walking order, and the worker still gets them', async () => {
    const files = (await readdir(REPO_MIGRATIONS)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()
    const upTo = files.filter((f) => f < '044')
    for (const f of upTo) await copyFile(join(REPO_MIGRATIONS, f), join(dir, f))
    expect(await migrate(db, { dir })).toEqual(upTo)

    const communityId = uuidv7()
    const hlc = serverHlc()
    await putWholeRecords(db, 'grids', [{ id: communityId, hlc, deleted: false, communityId, parentId: null, level: 'community', name: '香港路社区', code: 'XGL', boundary: null, workerIds: [] }])
    const grid = await createTestGrid(db, { communityId, parentId: communityId, name: '第一网格', code: 'XGL-01' })
    const worker = await createTestUser(db, { username: 'w044', gridIds: [grid.id] })
    const campaign = {
      id: uuidv7(), hlc, deleted: false, communityId, title: '燃气安全排查', status: 'published',
      items: [{ id: 'gas', label: '燃气管道无老化', category: '安全', required: true, kind: 'yesno' }],
      selection: { kind: 'household', gridIds: [grid.id], tags: [], compounds: [], buildingIds: [] },
      startAt: Date.now() - DAY, deadlineAt: Date.now() + DAY, createdBy: worker.id, publishedAt: Date.now() - DAY,
    }
    const target = (label: string) => ({ id: uuidv7(), hlc, deleted: false, campaignId: campaign.id, gridId: grid.id, kind: 'household', householdId: uuidv7(), buildingId: null, label })
    const [t5, t15] = [target('5号楼1-101'), target('15号楼1-101')]
    // As 043's repository wrote them: the record in `data`, the walking order in the `seq` column.
    await db.query('INSERT INTO campaigns (id, community_id, status, data) VALUES ($1::uuid, $2::uuid, $3, $4::jsonb)', [campaign.id, communityId, 'published', JSON.stringify(campaign)])
    for (const [seq, t] of [[1, t15], [0, t5]] as const) {
      await db.query('INSERT INTO campaign_targets (id, campaign_id, grid_id, seq, data) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb)', [t.id, campaign.id, grid.id, seq, JSON.stringify(t)])
    }

    expect(await migrate(db)).toEqual(files.filter((f) => f >= '044'))
    const left = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('campaigns', 'campaign_targets')`)
    expect(left.rows[0]!.n).toBe(0)

    const app = await buildTestApp(db)
    try {
      const as = await login(app, worker.username, worker.password, 'dev-w044')
      const pulled = (await injectJson(app, { method: 'GET', url: '/api/sync/pull', headers: as.headers })).body.changes as { entity: string; id: string; data: Record<string, unknown> }[]
      expect(pulled.filter((c) => c.entity === 'campaigns').map((c) => [c.id, c.data.title])).toEqual([[campaign.id, '燃气安全排查']])
      const targets = pulled.filter((c) => c.entity === 'campaignTargets').map((c) => [c.data.label, c.data.seq])
      expect(targets).toEqual(expect.arrayContaining([['5号楼1-101', 0], ['15号楼1-101', 1]]))
      const mine = await injectJson(app, { method: 'GET', url: '/api/campaigns/mine', headers: as.headers })
      expect(mine.body.campaigns[0].targets.map((t: { id: string }) => t.id)).toEqual([t5.id, t15.id])
    } finally {
      await app.close()
    }
  }, 120_000)
})
