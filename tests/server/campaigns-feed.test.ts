/**
 * Issue 21: campaigns and their targets reach phones through the change feed (DESIGN §4) — the
 * published campaigns of a user's community and the targets in their grids, never a draft, never
 * another community's; a closed campaign comes again as closed; a target moved out of a worker's
 * grids is a removal; one moved in (a target, a micro-grid) finds its campaign on the phone;
 * nobody pushes them. On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import type { Campaign, CampaignTarget } from '../../src/domain/campaigns'
import type { Change } from '../../src/domain/sync'
import { createTestUser, injectJson, login, testDatabases, useTestApp } from './helper'
import { create, household, pullAll, push, testClock, update } from './syncFixtures'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

const DAY = 86_400_000
const items = [{ id: 'gas', label: '燃气管道无老化', category: '安全', required: true, kind: 'yesno' as const }]
type Who = keyof TwoCommunities['as']

describe.each(testDatabases())('campaigns in the change feed on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  const clock = testClock('dev-s')
  const cursors = {} as Record<Who, string>

  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app)
    await putWholeRecords(db, 'households', [
      household(t.gridA.id, { address: '幸福小区5号楼1-101', unit: '1', room: '101' }),
      household(t.gridA.id, { address: '幸福小区5号楼1-201', unit: '1', room: '201' }),
      household(t.gridB.id, { address: '第二网格1号' }),
      household(t.gridX.id, { address: '苏州路1号' }),
    ])
  }, { per: 'file' })

  const api = (as: Who, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    injectJson(app, { method, url, headers: t.as[as].headers, payload: payload as object })
  const draft = (communityId: string, gridId: string, title: string) => ({
    communityId, title, items,
    selection: { kind: 'household', gridIds: [gridId], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    startAt: Date.now() - DAY, deadlineAt: Date.now() + 7 * DAY,
  })
  // Records only: a download from the start also walks past removals (exits) of what it never had.
  const campaignsIn = (changes: Change[]) => changes.filter((c) => c.entity === 'campaigns' && !('removed' in c))
  const targetsIn = (changes: Change[]) => changes.filter((c) => c.entity === 'campaignTargets' && !('removed' in c))
  const pull = async (who: Who, from?: string) => {
    const r = await pullAll(app, t.as[who], from)
    cursors[who] = r.cursor
    return r.changes
  }

  let a: Campaign
  let x: Campaign
  let m: Campaign

  it('a draft reaches no phone', async () => {
    for (const who of ['wa', 'wb', 'wx', 'sup1', 'sup2'] as const) await pull(who)
    a = (await api('sup1', 'POST', '/api/campaigns', draft(t.c1.id, t.gridA.id, '独居老人冬季走访'))).body.campaign
    x = (await api('sup2', 'POST', '/api/campaigns', draft(t.c2.id, t.gridX.id, '燃气安全排查'))).body.campaign
    for (const who of ['wa', 'wb', 'wx', 'sup1', 'sup2'] as const) {
      const changes = await pull(who, cursors[who])
      expect(campaignsIn(changes), who).toEqual([])
    }
  })

  it('published: every worker of the community gets the campaign, with its targets in their grids in walking order; never the other community’s', async () => {
    expect((await api('sup1', 'POST', `/api/campaigns/${a.id}/publish`)).body.targetCount).toBe(2)
    expect((await api('sup2', 'POST', `/api/campaigns/${x.id}/publish`)).body.targetCount).toBe(1)

    const wa = await pull('wa', cursors.wa)
    expect(campaignsIn(wa).map((c) => [c.id, c.data.status])).toEqual([[a.id, 'published']])
    const targets = targetsIn(wa).map((c) => c.data as unknown as CampaignTarget).sort((p, q) => p.seq! - q.seq!)
    expect(targets.map((c) => [c.campaignId, c.gridId, c.label, c.seq])).toEqual([
      [a.id, t.gridA.id, '幸福小区5号楼1-101', 0],
      [a.id, t.gridA.id, '幸福小区5号楼1-201', 1],
    ])
    // Same community, a grid the campaign does not reach: the campaign (its phone lists it only
    // once a target of it is there), none of its targets.
    const wb = await pull('wb', cursors.wb)
    expect(campaignsIn(wb).map((c) => c.id)).toEqual([a.id])
    expect(targetsIn(wb)).toEqual([])
    // Community 2: only its own campaign and target.
    const wx = await pull('wx', cursors.wx)
    expect(campaignsIn(wx).map((c) => c.id)).toEqual([x.id])
    expect(targetsIn(wx).map((c) => c.data.campaignId)).toEqual([x.id])
    const sup1 = await pull('sup1', cursors.sup1)
    expect(campaignsIn(sup1).map((c) => c.id)).toEqual([a.id])
    expect(targetsIn(sup1)).toHaveLength(2)
    expect(campaignsIn(await pull('sup2', cursors.sup2)).map((c) => c.id)).toEqual([x.id])
  })

  it('a first download (no cursor) holds the same', async () => {
    const wa = (await pullAll(app, t.as.wa)).changes
    expect(campaignsIn(wa).map((c) => c.id)).toEqual([a.id])
    expect(targetsIn(wa)).toHaveLength(2)
    const wx = (await pullAll(app, t.as.wx)).changes
    expect(campaignsIn(wx).map((c) => c.id)).toEqual([x.id])
    expect(targetsIn(wx).every((c) => c.data.campaignId === x.id)).toBe(true)
    const wb = (await pullAll(app, t.as.wb)).changes
    expect(campaignsIn(wb).map((c) => c.id)).toEqual([a.id])
    expect(targetsIn(wb)).toEqual([])
  })

  it('closed: the campaign comes again as closed, to its community’s phones only', async () => {
    expect((await api('sup1', 'POST', `/api/campaigns/${a.id}/close`)).status).toBe(200)
    const wa = await pull('wa', cursors.wa)
    expect(campaignsIn(wa).map((c) => [c.id, c.data.status])).toEqual([[a.id, 'closed']])
    expect(targetsIn(wa)).toEqual([]) // unchanged targets are not sent again
    expect(campaignsIn(await pull('wx', cursors.wx))).toEqual([])
    expect(campaignsIn(await pull('wb', cursors.wb)).map((c) => [c.id, c.data.status])).toEqual([[a.id, 'closed']])
  })

  it('a target moved to another grid is a removal for the worker who had it, and arrives at the new grid', async () => {
    const moved = (await db.query<{ data: CampaignTarget }>(
      `SELECT data FROM records WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 ORDER BY (data->>'seq')::int LIMIT 1`, [a.id],
    )).rows[0]!.data
    await putWholeRecords(db, 'campaignTargets', [{ ...moved, gridId: t.gridB.id, hlc: clock() }])
    const wa = await pull('wa', cursors.wa)
    expect(wa).toEqual([{ entity: 'campaignTargets', id: moved.id, removed: true }])
    const wb = await pull('wb', cursors.wb)
    expect(targetsIn(wb).map((c) => c.id)).toEqual([moved.id])
    // A first download of grid B has the campaign and the target.
    const first = (await pullAll(app, t.as.wb)).changes
    expect(campaignsIn(first).map((c) => c.id)).toEqual([a.id])
    expect(targetsIn(first).map((c) => c.id)).toEqual([moved.id])
  })

  it('a micro-grid moved into a worker’s grids brings its targets to a phone that has their campaign; the worker it left loses them', async () => {
    const h = household(t.microA1.id, { address: '幸福小区9号楼1-101' })
    await putWholeRecords(db, 'households', [h])
    m = (await api('sup1', 'POST', '/api/campaigns', draft(t.c1.id, t.microA1.id, '电动车充电隐患'))).body.campaign as Campaign
    expect((await api('sup1', 'POST', `/api/campaigns/${m.id}/publish`)).body.targetCount).toBe(1)
    const [target] = targetsIn(await pull('wa', cursors.wa))
    expect(target!.data).toMatchObject({ campaignId: m.id, gridId: t.microA1.id })
    // Grid B's phone: the campaign at publish, no target of it yet.
    const atPublish = await pull('wb', cursors.wb)
    expect(campaignsIn(atPublish).map((c) => c.id)).toEqual([m.id])
    expect(targetsIn(atPublish)).toEqual([])

    // 移动: the micro-grid now under grid B.
    await putWholeRecords(db, 'grids', [{ ...t.microA1, parentId: t.gridB.id, hlc: clock() }])
    const wb = await pull('wb', cursors.wb)
    expect(targetsIn(wb).map((c) => c.id)).toContain(target!.id)
    // The phone had the campaign; the feed starts over for the new scope, so it comes again too.
    expect(campaignsIn(wb).map((c) => c.id)).toEqual(expect.arrayContaining([m.id]))
    const wa = await pull('wa', cursors.wa)
    expect(wa).toEqual(expect.arrayContaining([{ entity: 'campaignTargets', id: target!.id, removed: true }]))
    // wa keeps the campaign record (same community), and its phone lists it no more: no target left.
    expect(wa.filter((c) => 'removed' in c && c.entity === 'campaigns')).toEqual([])
    await putWholeRecords(db, 'grids', [{ ...t.microA1, hlc: clock() }])
  })

  it('a worker moved to the other community loses the campaign and its targets, and gets that community’s', async () => {
    const wm = await createTestUser(db, { username: 'wm', gridIds: [t.gridA.id] })
    const asM = await login(app, wm.username, wm.password, 'dev-s')
    const before = await pullAll(app, asM)
    const inA = targetsIn(before.changes).map((c) => c.id)
    // Both campaigns of community 1 (m's only target is in the micro-grid, back under grid A).
    expect(campaignsIn(before.changes).map((c) => c.id).sort()).toEqual([a.id, m.id].sort())
    expect(inA).toHaveLength(2) // a's other one moved to grid B above
    const [moved] = await push(app, t.as.admin, [update('users', wm.id, { gridIds: [t.gridX.id] }, clock())], 'dev-s')
    expect(moved!.status).toBe('applied')
    const after = (await pullAll(app, asM, before.cursor)).changes
    const removed = after.filter((c) => 'removed' in c).map((c) => `${c.entity}:${c.id}`)
    expect(removed).toEqual(expect.arrayContaining([`campaigns:${a.id}`, `campaigns:${m.id}`, ...inA.map((id) => `campaignTargets:${id}`)]))
    expect(campaignsIn(after).map((c) => c.id)).toEqual([x.id])
    expect(targetsIn(after).map((c) => c.data.campaignId)).toEqual([x.id])
  })

  it('nobody pushes campaigns or targets, not even an admin', async () => {
    const forged = { ...x, title: '改过的标题', hlc: clock() }
    for (const who of ['wx', 'sup2', 'admin'] as const) {
      const [r] = await push(app, t.as[who], [create('campaigns', forged, forged.hlc)], 'dev-s')
      expect(r, who).toMatchObject({ status: 'rejected', code: 'role' })
    }
    const target = { id: x.id, hlc: clock(), deleted: false, campaignId: x.id, gridId: t.gridX.id, kind: 'household', householdId: null, buildingId: null, label: '假的' }
    expect((await push(app, t.as.wx, [create('campaignTargets', target, target.hlc)], 'dev-s'))[0]).toMatchObject({ status: 'rejected', code: 'role' })
    expect((await getTitle(x.id))).toBe('燃气安全排查')
  })

  const getTitle = async (id: string) =>
    (await db.query<{ title: string }>(`SELECT data->>'title' AS title FROM records WHERE entity = 'campaigns' AND id = $1::uuid`, [id])).rows[0]!.title
})
