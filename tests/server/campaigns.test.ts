/**
 * Issue 21, 专项排查 on the server: create / publish / close with the shared rules, Chinese 400s,
 * scope across two communities, progress, a worker's download, and answers (visits with a
 * campaignId) of a closed campaign judged by their stamp. On PGlite and, with TEST_DATABASE_URL,
 * PostgreSQL.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import type { Campaign, CampaignTarget } from '../../src/domain/campaigns'
import { formatHlc } from '../../src/domain/hlc'
import { injectJson, testDatabases, useTestApp } from './helper'
import { building, create, household, push, testClock, visit } from './syncFixtures'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

const DAY = 86_400_000
const items = [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' as const }]

describe.each(testDatabases())('campaigns on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  const clock = testClock('dev-s')
  const elders: string[] = []

  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app)
    const b5 = building(t.gridA.id, { name: '5号楼' })
    const b15 = building(t.gridA.id, { name: '15号楼' })
    await putWholeRecords(db, 'buildings', [b5, b15, building(t.gridX.id)])
    const hs = [
      household(t.gridA.id, { buildingId: b15.id, address: '幸福小区15号楼1-101' }),
      household(t.gridA.id, { buildingId: b5.id, address: '幸福小区5号楼1-101' }),
      household(t.gridA.id, { buildingId: b5.id, tags: [], address: '幸福小区5号楼1-201' }),
      household(t.gridB.id, { address: '第二网格1号' }),
      household(t.gridX.id, { address: '苏州路1号' }),
    ]
    await putWholeRecords(db, 'households', hs)
    elders.push(hs[1]!.id, hs[0]!.id)
  }, { per: 'file' })

  const api = (as: keyof TwoCommunities['as'], method: 'GET' | 'POST', url: string, payload?: unknown) =>
    injectJson(app, { method, url, headers: t.as[as].headers, payload: payload as object })
  const draft = (over: Record<string, unknown> = {}) => ({
    communityId: t.c1.id,
    title: '独居老人冬季走访',
    items,
    selection: { kind: 'household', gridIds: [t.gridA.id], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    startAt: Date.now() - DAY,
    deadlineAt: Date.now() + 7 * DAY,
    ...over,
  })

  let campaign: Campaign
  let targets: CampaignTarget[]

  it('a supervisor creates and publishes; targets in walking order; audited in words', async () => {
    const made = await api('sup1', 'POST', '/api/campaigns', draft())
    expect(made.status).toBe(201)
    campaign = made.body.campaign
    expect(campaign.status).toBe('draft')
    const published = await api('sup1', 'POST', `/api/campaigns/${campaign.id}/publish`)
    expect(published.status).toBe(200)
    expect(published.body.targetCount).toBe(2)
    const { rows } = await db.query<{ detail: { summary: string } }>(`SELECT detail FROM audit_log WHERE action = 'campaign_publish'`)
    expect(rows[0]!.detail.summary).toBe('发布专项排查“独居老人冬季走访”（2 个对象）')

    const mine = await api('wa', 'GET', '/api/campaigns/mine')
    expect(mine.status).toBe(200)
    expect(mine.body.campaigns).toHaveLength(1)
    targets = mine.body.campaigns[0].targets
    expect(targets.map((x) => x.householdId)).toEqual(elders) // 5号楼 before 15号楼
    expect((await api('wb', 'GET', '/api/campaigns/mine')).body.campaigns).toEqual([])
    expect((await api('wx', 'GET', '/api/campaigns/mine')).body.campaigns).toEqual([])
  })

  it('another community is 404, a worker 403, bad input a Chinese 400 with nothing stored', async () => {
    expect((await api('sup2', 'POST', `/api/campaigns/${campaign.id}/close`)).status).toBe(404)
    expect((await api('sup2', 'GET', `/api/campaigns/${campaign.id}/progress`)).status).toBe(404)
    expect((await api('sup2', 'POST', '/api/campaigns', draft())).status).toBe(404)
    expect((await api('wa', 'POST', '/api/campaigns', draft())).status).toBe(403)
    expect((await api('sup2', 'GET', '/api/campaigns')).body.campaigns).toEqual([])
    expect((await api('admin', 'GET', '/api/campaigns')).body.campaigns).toHaveLength(1)

    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'campaigns'`)).rows[0]!.n
    const bad = await api('sup1', 'POST', '/api/campaigns', draft({ title: ' ', deadlineAt: Date.now() - 2 * DAY }))
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('请填写专项排查的标题')
    expect(bad.body.message).toContain('截止时间要晚于开始时间')
    const noItems = await api('sup1', 'POST', '/api/campaigns', draft({ items: [] }))
    expect(noItems.status).toBe(400)
    expect(noItems.body.message).toContain('检查表至少要有一项')
    expect((await api('sup1', 'POST', '/api/campaigns', draft({ selection: { kind: 'car' } }))).status).toBe(400)
    const nobody = (await api('sup1', 'POST', '/api/campaigns', draft({ selection: { kind: 'household', gridIds: [t.gridB.id], tags: ['disabled'], compounds: [], buildingIds: [] } }))).body.campaign
    const empty = await api('sup1', 'POST', `/api/campaigns/${nobody.id}/publish`)
    expect(empty.status).toBe(400)
    expect(empty.body.message).toBe('没有选中任何对象，请调整范围')
    const foreignGrid = (await api('sup1', 'POST', '/api/campaigns', draft({ selection: { kind: 'household', gridIds: [t.gridX.id], tags: [], compounds: [], buildingIds: [] } }))).body.campaign
    expect((await api('sup1', 'POST', `/api/campaigns/${foreignGrid.id}/publish`)).body.message).toBe('所选网格不在这个社区')
    expect((await api('sup1', 'POST', `/api/campaigns/${campaign.id}`, draft())).body.message).toBe('已发布的专项排查不能再修改')
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'campaigns'`)).rows[0]!.n).toBe(before + 2)
  })

  it('answers are visits; progress counts them; a closed campaign takes only what was made before the close', async () => {
    const answer = (i: number, outcome: 'met' | 'absent', hlc: string) =>
      create('visits', { ...visit({ id: targets[i]!.householdId!, gridId: t.gridA.id }, t.users.wa.id, { outcome, campaignId: campaign.id, campaignTargetId: targets[i]!.id, checklistId: null }), hlc }, hlc)
    const [r1] = await push(app, t.as.wa, [answer(0, 'met', clock())], 'dev-s')
    expect(r1!.status).toBe('applied')
    const wrongTarget = create('visits', { ...visit({ id: targets[0]!.householdId!, gridId: t.gridA.id }, t.users.wa.id, { campaignId: campaign.id, campaignTargetId: campaign.id }) }, clock())
    expect((await push(app, t.as.wa, [wrongTarget], 'dev-s'))[0]).toMatchObject({ status: 'rejected', code: 'campaign_unknown' })

    const progress = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/progress`)
    expect(progress.status).toBe(200)
    expect(progress.body.overall).toMatchObject({ total: 2, done: 1, not_yet: 1, percent: 50 })
    const listed = await api('sup1', 'GET', '/api/campaigns')
    expect(listed.body.counts[campaign.id]).toEqual({ total: 2, done: 1, percent: 50 })
    expect(progress.body.grids).toEqual([expect.objectContaining({ gridId: t.gridA.id, gridName: '第一网格', done: 1, total: 2 })])

    const remind = await api('sup1', 'POST', `/api/campaigns/${campaign.id}/remind`, {})
    expect(remind.status).toBe(200)
    expect(remind.body.campaign.remindGridIds).toEqual([t.gridA.id])
    const xlsx = await app.inject({ method: 'GET', url: `/api/campaigns/${campaign.id}/export.xlsx`, headers: t.as.sup1.headers })
    expect(xlsx.statusCode).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(xlsx.rawPayload as never)
    const rows = wb.getWorksheet('排查结果')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1, 4))
    expect(rows).toEqual([['第一网格', '幸福小区5号楼1-101', '已完成'], ['第一网格', '幸福小区15号楼1-101', '未走访']])

    expect((await api('sup1', 'POST', `/api/campaigns/${campaign.id}/close`)).status).toBe(200)
    // Closed an hour ago: a stamp from before that applies (an offline phone), one from now not.
    const closedAt = Date.now() - 60 * 60_000
    const closed = { ...campaign, status: 'closed', closedAt }
    await db.query(`UPDATE records SET data = $2::jsonb WHERE entity = 'campaigns' AND id = $1::uuid`, [campaign.id, JSON.stringify(closed)])
    const early = formatHlc({ wall: closedAt - 60_000, counter: 0, node: 'dev-s' })
    const results = await push(app, t.as.wa, [answer(1, 'absent', early), answer(1, 'met', clock())], 'dev-s')
    expect(results.map((r) => r.status)).toEqual(['applied', 'rejected'])
    expect(results[1]).toMatchObject({ code: 'campaign_closed', params: { title: '独居老人冬季走访' } })
    const after = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/progress`)
    expect(after.body.overall).toMatchObject({ done: 1, not_home: 1, not_yet: 0 })
    expect((await api('wa', 'GET', '/api/campaigns/mine')).body.campaigns).toEqual([])
  })

  it('the console lists the targets with their state and opens one to its answers; the same scope; bad input a Chinese 400', async () => {
    const list = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets`)
    expect(list.status).toBe(200)
    expect(list.body.total).toBe(2)
    expect(list.body.targets.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([[targets[0]!.id, 'done'], [targets[1]!.id, 'not_home']])
    const notHome = await api('admin', 'GET', `/api/campaigns/${campaign.id}/targets?state=not_home&gridId=${t.gridA.id}`)
    expect(notHome.body).toMatchObject({ total: 1, targets: [{ id: targets[1]!.id, label: '幸福小区15号楼1-101' }] })
    expect((await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?offset=1&limit=1`)).body.targets.map((x: { id: string }) => x.id)).toEqual([targets[1]!.id])
    expect((await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?gridId=${t.gridB.id}`)).body.total).toBe(0)

    const one = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets/${targets[0]!.id}`)
    expect(one.status).toBe(200)
    expect(one.body.state).toBe('done')
    expect(one.body.target.householdId).toBe(targets[0]!.householdId)
    expect(one.body.answers).toHaveLength(1)
    expect(one.body.answers[0]).toMatchObject({ outcome: 'met', workerId: t.users.wa.id, campaignTargetId: targets[0]!.id, photoIds: [] })
    expect((await api('admin', 'GET', `/api/campaigns/${campaign.id}/targets/${targets[1]!.id}`)).body).toMatchObject({ state: 'not_home', answers: [{ outcome: 'absent' }] })

    expect((await api('sup2', 'GET', `/api/campaigns/${campaign.id}/targets`)).status).toBe(404)
    expect((await api('sup2', 'GET', `/api/campaigns/${campaign.id}/targets/${targets[0]!.id}`)).status).toBe(404)
    expect((await api('wa', 'GET', `/api/campaigns/${campaign.id}/targets/${targets[0]!.id}`)).status).toBe(403)
    const foreign = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets/${campaign.id}`)
    expect(foreign.status).toBe(404)
    expect(foreign.body.message).toBe('找不到这个排查对象')
    const bad = await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets?state=gone&limit=0`)
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/[\u4e00-\u9fff]/)
    expect((await api('sup1', 'GET', `/api/campaigns/${campaign.id}/targets/not-an-id`)).status).toBe(400)
  })

  it('a draft previews its target count by the same selection 发布 makes, storing nothing; the list names the communities managed', async () => {
    const targetsStored = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'campaignTargets'`)).rows[0]!.n
    const before = await targetsStored()
    const elders = (await api('sup1', 'POST', '/api/campaigns', draft({ title: '冬季走访（预览）' }))).body.campaign
    const preview = await api('sup1', 'GET', `/api/campaigns/${elders.id}/preview`)
    expect(preview.status).toBe(200)
    expect(preview.body).toEqual({ targetCount: 2, problem: null })
    const buildings = (await api('sup1', 'POST', '/api/campaigns', draft({ title: '楼栋排查', selection: { kind: 'building', gridIds: [t.gridA.id], tags: [], compounds: [], buildingIds: [] } }))).body.campaign
    expect((await api('admin', 'GET', `/api/campaigns/${buildings.id}/preview`)).body).toEqual({ targetCount: 2, problem: null })
    const nobody = (await api('sup1', 'POST', '/api/campaigns', draft({ selection: { kind: 'household', gridIds: [t.gridB.id], tags: ['disabled'], compounds: [], buildingIds: [] } }))).body.campaign
    expect((await api('sup1', 'GET', `/api/campaigns/${nobody.id}/preview`)).body).toEqual({ targetCount: 0, problem: { code: 'no_targets', message: '没有选中任何对象，请调整范围' } })
    expect(await targetsStored()).toBe(before)
    // What 发布 then selects is what the preview said.
    expect((await api('sup1', 'POST', `/api/campaigns/${elders.id}/publish`)).body.targetCount).toBe(2)

    expect((await api('sup1', 'GET', `/api/campaigns/${elders.id}/preview`)).body.message).toBe('已发布的专项排查不能再修改')
    expect((await api('sup2', 'GET', `/api/campaigns/${nobody.id}/preview`)).status).toBe(404)
    expect((await api('wa', 'GET', `/api/campaigns/${nobody.id}/preview`)).status).toBe(403)

    expect((await api('sup1', 'GET', '/api/campaigns')).body.communities).toEqual([{ id: t.c1.id, name: '香港路社区' }])
    const all = (await api('admin', 'GET', '/api/campaigns')).body.communities as Array<{ id: string; name: string }>
    expect(all).toEqual(expect.arrayContaining([{ id: t.c1.id, name: '香港路社区' }, { id: t.c2.id, name: '苏州路社区' }]))
  })
})
