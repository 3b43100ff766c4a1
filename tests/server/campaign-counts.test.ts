/**
 * Issue 21: the console's progress and target pages are counted and paged in SQL
 * (server/campaigns/repository stateCountsByGrid, targetPage). Eight targets over a grid, its
 * micro-grid and a second grid, with answers in every shape targetState knows (met after 不在家,
 * 不在家 after met, the latest of 拒访 / 不在家 by HLC — same wall, the node decides bytewise —, a
 * deleted answer, another campaign's answer): the endpoints' figures are checked against numbers
 * worked out by hand and against the in-memory domain rule (rolledUpProgress over every target and
 * answer), on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { rolledUpProgress } from '../../server/campaigns/progress'
import { answersOf, gridsOfCommunity, targetKeysOf } from '../../server/campaigns/repository'
import { TARGET_STATES, type Campaign, type CampaignTarget, type TargetState } from '../../src/domain/campaigns'
import type { Household, Visit } from '../../src/domain/entities'
import { formatHlc } from '../../src/domain/hlc'
import { injectJson, serverHlc, testDatabases, useTestApp } from './helper'
import { household, visit } from './syncFixtures'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

const DAY = 86_400_000
const items = [{ id: 'gas', label: '燃气软管完好', category: '安全', required: true, kind: 'yesno' as const }]

describe.each(testDatabases())('campaign counts in SQL on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  let campaign: Campaign
  let targets: CampaignTarget[]
  const hs: Record<string, Household> = {}

  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app)
    // wa holds grid A (and so its micro-grid); wb holds grid B and micro-grid A1.
    await putWholeRecords(db, 'grids', [
      { ...t.gridA, hlc: serverHlc(), workerIds: [t.users.wa.id] },
      { ...t.microA1, hlc: serverHlc(), workerIds: [t.users.wb.id] },
      { ...t.gridB, hlc: serverHlc(), workerIds: [t.users.wb.id] },
    ])
    const place = { a0: t.gridA, a1: t.gridA, a2: t.gridA, m0: t.microA1, m1: t.microA1, m2: t.microA1, b0: t.gridB, b1: t.gridB }
    for (const [key, g] of Object.entries(place)) hs[key] = household(g.id, { address: `幸福小区${key}`, room: key })
    await putWholeRecords(db, 'households', Object.values(hs))
  }, { per: 'file' })

  const api = (as: keyof TwoCommunities['as'], method: 'GET' | 'POST', url: string, payload?: unknown) =>
    injectJson(app, { method, url, headers: t.as[as].headers, payload: payload as object })
  const publish = async (title: string) => {
    const made = await api('sup1', 'POST', '/api/campaigns', {
      communityId: t.c1.id, title, items,
      selection: { kind: 'household', gridIds: [], tags: [], compounds: [], buildingIds: [] },
      startAt: Date.now() - DAY, deadlineAt: Date.now() + 7 * DAY,
    })
    expect(made.status).toBe(201)
    expect((await api('sup1', 'POST', `/api/campaigns/${made.body.campaign.id}/publish`)).status).toBe(200)
    return made.body.campaign as Campaign
  }

  it('progress per grid (micro-grids rolled up) and per worker, as worked out by hand and by the domain rule', async () => {
    campaign = await publish('燃气安全排查')
    const other = await publish('电动车充电隐患')
    targets = (await db.query<{ data: CampaignTarget }>(
      `SELECT data FROM records WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 ORDER BY (data->>'seq')::int`, [campaign.id.toLowerCase()],
    )).rows.map((r) => r.data)
    expect(targets).toHaveLength(8)
    const targetOf = (key: string) => targets.find((x) => x.householdId === hs[key]!.id)!
    const wall = Date.now() - 3_600_000
    let n = 0
    const answer = (key: string, outcome: Visit['outcome'], at: number, node = 'dev-a', over: Partial<Visit> = {}): Visit => ({
      ...visit(hs[key]!, t.users.wa.id, { outcome, campaignId: campaign.id, campaignTargetId: targetOf(key).id, checklistId: null }),
      hlc: formatHlc({ wall: wall + at, counter: n++ % 2, node }),
      ...over,
    })
    await putWholeRecords(db, 'visits', [
      answer('a0', 'met', 1),
      answer('a1', 'absent', 1), answer('a1', 'met', 2), // done: met later
      answer('m0', 'met', 1), answer('m0', 'absent', 2), // done: a later 不在家 does not undo it
      answer('m1', 'absent', 1),
      answer('m2', 'refused', 1), answer('m2', 'absent', 2), // 不在家: the latest
      answer('b0', 'met', 3, 'dev-a', { deleted: true }), answer('b0', 'refused', 1), // the deleted met does not count
      // Same wall and counter: 'alpha' sorts after 'Zeta' bytewise, so 拒访 is the latest.
      { ...answer('b1', 'absent', 5, 'Zeta'), hlc: formatHlc({ wall: wall + 5, counter: 0, node: 'Zeta' }) },
      { ...answer('b1', 'refused', 5, 'alpha'), hlc: formatHlc({ wall: wall + 5, counter: 0, node: 'alpha' }) },
      answer('b1', 'met', 9, 'dev-a', { campaignId: other.id }), // another campaign's answer
    ])

    const progress = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/progress`)
    expect(progress.status).toBe(200)
    const row = (x: { total: number; done: number; not_home: number; refused: number; not_yet: number; percent: number }) =>
      [x.total, x.done, x.not_home, x.refused, x.not_yet, x.percent]
    expect(row(progress.body.overall)).toEqual([8, 3, 2, 2, 1, 37])
    expect(progress.body.grids.map((g: { gridId: string; gridName: string }) => [g.gridId, g.gridName, ...row(g as never)])).toEqual([
      [t.gridA.id, '第一网格', 6, 3, 2, 0, 1, 50],
      [t.gridB.id, '第二网格', 2, 0, 0, 2, 0, 0],
    ])
    const workers = Object.fromEntries(progress.body.workers.map((w: { workerId: string }) => [w.workerId, row(w as never)]))
    expect(workers).toEqual({ [t.users.wa.id]: [6, 3, 2, 0, 1, 50], [t.users.wb.id]: [5, 1, 2, 2, 0, 20] })

    // The in-memory rule over every target and answer gives the same rows.
    const oracle = rolledUpProgress(await targetKeysOf(db, campaign.id), await answersOf(db, campaign.id), await gridsOfCommunity(db, t.c1.id))
    expect(progress.body.overall).toEqual(oracle.overall)
    expect(progress.body.grids.map(({ gridName: _n, ...g }: { gridName: string }) => g)).toEqual(oracle.grids)
    expect(progress.body.workers).toEqual(oracle.workers)

    // 催办 without grids named: the leaf grids with targets not done, as phones match them.
    const remind = await api('sup1', 'POST', `/api/campaigns/${campaign.id}/remind`, {})
    expect(remind.body.campaign.remindGridIds).toEqual([t.gridA.id, t.microA1.id, t.gridB.id].sort())
  })

  it('the target page filters by state and grid, pages in walking order and counts in SQL', async () => {
    const all = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?limit=500`)
    expect(all.body.total).toBe(8)
    expect(all.body.targets.map((x: { id: string }) => x.id)).toEqual(targets.map((x) => x.id))
    const stateOf = new Map(all.body.targets.map((x: { householdId: string; state: TargetState }) => [x.householdId, x.state]))
    const expected: Record<string, TargetState> = { a0: 'done', a1: 'done', a2: 'not_yet', m0: 'done', m1: 'not_home', m2: 'not_home', b0: 'refused', b1: 'refused' }
    expect(Object.fromEntries(Object.entries(hs).map(([k, h]) => [k, stateOf.get(h.id)]))).toEqual(expected)

    for (const state of TARGET_STATES) {
      const want = targets.filter((x) => stateOf.get(x.householdId!) === state).map((x) => x.id)
      const page = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?state=${state}`)
      expect([state, page.body.total, page.body.targets.map((x: { id: string }) => x.id)]).toEqual([state, want.length, want])
    }
    const paged: string[] = []
    for (let offset = 0; offset < 8; offset += 3) {
      const page = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?offset=${offset}&limit=3`)
      expect(page.body).toMatchObject({ total: 8, offset })
      paged.push(...page.body.targets.map((x: { id: string }) => x.id))
    }
    expect(paged).toEqual(targets.map((x) => x.id))
    const micro = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?gridId=${t.microA1.id}&state=done`)
    expect(micro.body).toMatchObject({ total: 1, targets: [{ householdId: hs.m0!.id, state: 'done', label: '幸福小区m0' }] })
    // Past the end: no rows, still the count.
    expect((await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?state=refused&offset=10`)).body).toEqual({ total: 2, offset: 10, targets: [] })
  })
})
