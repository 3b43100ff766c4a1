/**
 * 专项排查 (issue 21) for the console and phones. Rules are src/domain/campaigns (the same on the
 * phone); this file reads and writes and audits.
 *
 *   GET  /api/campaigns[?communityId=]        supervisors/admins: the campaigns they manage, with targets / done / percent each, and the communities they manage (names)
 *   POST /api/campaigns                        a draft {communityId, title, items | sourceChecklistId, selection, startAt, deadlineAt}
 *   POST /api/campaigns/:id                    edit a draft (same body without communityId)
 *   GET  /api/campaigns/:id/preview            a draft's target count as 发布 would select it now, and what would stop 发布
 *   POST /api/campaigns/:id/publish            selects the targets (walking order) and publishes
 *   POST /api/campaigns/:id/close
 *   POST /api/campaigns/:id/remind            催办 the grids behind (or those named): phones show it
 *   GET  /api/campaigns/:id/export.xlsx        results, one row per target (UTC times)
 *   GET  /api/campaigns/:id/progress           done / not home / refused / not yet, per grid and per worker
 *   GET  /api/campaigns/:id/targets            targets with their state, filtered (?gridId=&state=) and paged (?offset=&limit=)
 *   GET  /api/campaigns/:id/targets/:targetId  one target, its state and its answers (visits, photos by id), newest first
 *   GET  /api/campaigns/mine                   a worker's running campaigns with the targets in their grids
 *
 * A campaign of a community the caller does not manage is 404 (not confirmed to exist).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  campaignActionProblem,
  campaignProblemText,
  campaignSchema,
  campaignSelectionSchema,
  canManageCampaign,
  draftProblems,
  selectTargets,
  targetState,
  percentOf,
  TARGET_STATES,
  type Campaign,
  type CampaignAction,
  type CampaignTarget,
  type TargetState,
  CAMPAIGN_TARGETS_MAX,
} from '../../src/domain/campaigns'
import { checklistItemSchema, describeZodError, idSchema, timeSchema } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { getChecklist, nextServerHlc } from '../admin/checklistRecords'
import type { Database } from '../db/adapter'
import { badRequest, notFound } from '../errors'
import { audit } from '../repositories/audit'
import { loadScope, type Scope } from '../sync/scope'
import { rolledUpCounts } from './progress'
import { campaignWorkbook } from './xlsx'
import { answersOf, answersOfTarget, communitiesOf, doneCounts, getCampaign, getTarget, gridsOfCommunity, householdsAndBuildingsIn, insertTargets, listCampaigns, saveCampaign, stateCountsByGrid, targetPage, targetsOf } from './repository'

export interface CampaignOptions {
  now?: () => number
}

const draftInput = z.object({
  title: z.string().max(500),
  items: z.array(checklistItemSchema).max(200).optional(),
  sourceChecklistId: idSchema.optional(),
  selection: campaignSelectionSchema,
  startAt: timeSchema,
  deadlineAt: timeSchema,
})
const createInput = draftInput.extend({ communityId: idSchema })
const idParams = z.object({ id: idSchema })
const targetParams = z.object({ id: idSchema, targetId: idSchema })
const targetsQuery = z.object({
  gridId: idSchema.optional(),
  state: z.enum(TARGET_STATES as [TargetState, ...TargetState[]]).optional(),
  offset: z.coerce.number().int().min(0).max(CAMPAIGN_TARGETS_MAX).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

const campaignRoutes: FastifyPluginAsync<CampaignOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const managers = [app.authenticate, app.requireRole('supervisor', 'admin')]

  /** The items a draft asks: its own, or a copy of a standing checklist the caller may see. */
  const itemsOf = async (scope: Scope, communityId: string, body: z.infer<typeof draftInput>) => {
    if (body.items?.length) return body.items
    if (!body.sourceChecklistId) throw badRequest(campaignProblemText('no_items'), 'invalid_campaign')
    const c = await getChecklist(app.db, body.sourceChecklistId)
    if (!c || (c.communityId && c.communityId.toLowerCase() !== communityId.toLowerCase() && !scope.all)) throw badRequest('找不到要复制的检查表', 'invalid_campaign')
    return c.items
  }

  const managed = async (scope: Scope, id: string, action?: CampaignAction, targetCount?: number): Promise<Campaign> => {
    const c = await getCampaign(app.db, id)
    if (!c || !canManageCampaign(scope, c.communityId)) throw notFound('找不到这项专项排查，或它不在你的管辖范围内')
    if (action) {
      const problem = campaignActionProblem(scope, c, action, { now: now(), targetCount })
      if (problem) throw badRequest(campaignProblemText(problem), problem)
    }
    return c
  }

  const checked = (c: Campaign): Campaign => {
    const problems = draftProblems(c, now())
    if (problems.length) throw badRequest(`专项排查有误：${problems.map((p) => campaignProblemText(p)).join('；')}`, 'invalid_campaign')
    const parsed = campaignSchema.safeParse(c)
    if (!parsed.success) throw badRequest(`专项排查不能保存：${describeZodError(parsed.error)}`, 'invalid_campaign')
    return parsed.data
  }

  app.get('/api/campaigns', { preHandler: managers, schema: { querystring: z.object({ communityId: idSchema.optional() }) } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const list = await listCampaigns(app.db, scope.all ? 'all' : [...scope.communityIds])
    const campaigns = list.filter((c) => !request.query.communityId || c.communityId === request.query.communityId)
    // Targets and done per campaign, for the list's 完成率 (a draft has no targets yet).
    const counts = await doneCounts(app.db, campaigns.filter((c) => c.status !== 'draft').map((c) => c.id))
    return {
      campaigns,
      // The 社区 column of an admin (or a supervisor) of several communities.
      communities: await communitiesOf(app.db, scope.all ? 'all' : [...scope.communityIds]),
      counts: Object.fromEntries(
        campaigns.map((c) => {
          const n = counts.get(c.id) ?? { total: 0, done: 0 }
          return [c.id, { ...n, percent: percentOf(n.done, n.total) }]
        }),
      ),
    }
  })

  app.post('/api/campaigns', { preHandler: managers, schema: { body: createInput } }, async (request, reply) => {
    const scope = await loadScope(app.db, request.auth!)
    const { communityId } = request.body
    if (!canManageCampaign(scope, communityId)) throw notFound('找不到这个社区，或它不在你的管辖范围内')
    const c = checked({
      id: uuidv7(now()), hlc: nextServerHlc(now()), deleted: false, communityId, status: 'draft',
      title: request.body.title.trim(), items: await itemsOf(scope, communityId, request.body), sourceChecklistId: request.body.sourceChecklistId ?? null,
      selection: request.body.selection, startAt: request.body.startAt, deadlineAt: request.body.deadlineAt, createdBy: request.auth!.userId,
    })
    await app.db.transaction(async (tx) => {
      await saveCampaign(tx, c)
      await audit(tx, request.auth!.userId, 'campaign_create', { summary: `新建专项排查“${c.title}”（${c.items.length} 项检查）`, campaignId: c.id, title: c.title, communityId })
    })
    return reply.code(201).send({ campaign: c })
  })

  app.post('/api/campaigns/:id', { preHandler: managers, schema: { params: idParams, body: draftInput } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const current = await managed(scope, request.params.id, 'edit')
    const c = checked({
      ...current, hlc: nextServerHlc(now(), current.hlc), title: request.body.title.trim(), items: await itemsOf(scope, current.communityId, request.body),
      sourceChecklistId: request.body.sourceChecklistId ?? current.sourceChecklistId ?? null,
      selection: request.body.selection, startAt: request.body.startAt, deadlineAt: request.body.deadlineAt,
    })
    await app.db.transaction(async (tx) => {
      await saveCampaign(tx, c)
      await audit(tx, request.auth!.userId, 'campaign_edit', { summary: `修改专项排查草稿“${c.title}”`, campaignId: c.id, title: c.title })
    })
    return { campaign: c }
  })

  // Before 发布: how many targets the draft's selection reaches now (the same selection 发布 makes,
  // nothing stored), and the problem that would stop 发布 (null: none).
  app.get('/api/campaigns/:id/preview', { preHandler: managers, schema: { params: idParams } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const draft = await managed(scope, request.params.id, 'edit')
    const targetCount = (await selectFor(app.db, draft)).length
    const problem = campaignActionProblem(scope, draft, 'publish', { now: now(), targetCount })
    return { targetCount, problem: problem ? { code: problem, message: campaignProblemText(problem) } : null }
  })

  app.post('/api/campaigns/:id/publish', { preHandler: managers, schema: { params: idParams } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const draft = await managed(scope, request.params.id)
    const selected = await selectFor(app.db, draft)
    await managed(scope, draft.id, 'publish', selected.length)
    const at = now()
    const hlc = nextServerHlc(at, draft.hlc)
    const targets: CampaignTarget[] = selected.map((t) => ({ ...t, id: uuidv7(at), hlc, deleted: false, campaignId: draft.id }))
    const c: Campaign = { ...draft, status: 'published', publishedAt: at, hlc }
    await app.db.transaction(async (tx) => {
      await saveCampaign(tx, c)
      await insertTargets(tx, targets)
      await audit(tx, request.auth!.userId, 'campaign_publish', { summary: `发布专项排查“${c.title}”（${targets.length} 个对象）`, campaignId: c.id, title: c.title, targetCount: targets.length })
    })
    return { campaign: c, targetCount: targets.length }
  })

  app.post('/api/campaigns/:id/close', { preHandler: managers, schema: { params: idParams } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const current = await managed(scope, request.params.id, 'close')
    const at = now()
    const c: Campaign = { ...current, status: 'closed', closedAt: at, hlc: nextServerHlc(at, current.hlc) }
    await app.db.transaction(async (tx) => {
      await saveCampaign(tx, c)
      await audit(tx, request.auth!.userId, 'campaign_close', { summary: `关闭专项排查“${c.title}”`, campaignId: c.id, title: c.title })
    })
    return { campaign: c }
  })

  app.post('/api/campaigns/:id/remind', { preHandler: managers, schema: { params: idParams, body: z.object({ gridIds: z.array(idSchema).max(500).optional() }).optional() } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const current = await managed(scope, request.params.id, 'remind')
    let gridIds = request.body?.gridIds
    if (!gridIds?.length) {
      // The leaf grids (micro-grids as such, which phones match) with targets not yet done.
      const counts = await stateCountsByGrid(app.db, current.id)
      gridIds = [...counts].filter(([, c]) => c.done < c.total).map(([gridId]) => gridId).sort()
    }
    const at = now()
    const c: Campaign = { ...current, remindedAt: at, remindGridIds: gridIds, hlc: nextServerHlc(at, current.hlc) }
    await app.db.transaction(async (tx) => {
      await saveCampaign(tx, c)
      await audit(tx, request.auth!.userId, 'campaign_remind', { summary: `催办专项排查“${c.title}”（${gridIds.length} 个网格）`, campaignId: c.id, title: c.title, gridIds })
    })
    return { campaign: c }
  })

  app.get('/api/campaigns/:id/export.xlsx', { preHandler: managers, schema: { params: idParams } }, async (request, reply) => {
    const scope = await loadScope(app.db, request.auth!)
    const c = await managed(scope, request.params.id)
    const [targets, answers, grids] = await Promise.all([targetsOf(app.db, c.id), answersOf(app.db, c.id), gridsOfCommunity(app.db, c.communityId)])
    const body = await campaignWorkbook(c, targets, answers, new Map(grids.map((g) => [g.id, g.name])))
    await audit(app.db, request.auth!.userId, 'campaign_export', { summary: `导出专项排查“${c.title}”结果（${targets.length} 行）`, campaignId: c.id, title: c.title })
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="campaign.xlsx"; filename*=UTF-8''${encodeURIComponent(`${c.title}.xlsx`)}`)
      .send(body)
  })

  app.get('/api/campaigns/:id/progress', { preHandler: managers, schema: { params: idParams } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const c = await managed(scope, request.params.id)
    const [counts, grids] = await Promise.all([stateCountsByGrid(app.db, c.id), gridsOfCommunity(app.db, c.communityId)])
    // Counted per leaf grid and state in SQL; rows per grid (网格, micro-grids rolled up) and per
    // worker of the grids (server/campaigns/progress.ts).
    const p = rolledUpCounts(counts, grids)
    const names = new Map(grids.map((g) => [g.id, g.name]))
    return { campaign: c, overall: p.overall, grids: p.grids.map((g) => ({ ...g, gridName: names.get(g.gridId) ?? '' })), workers: p.workers }
  })

  // The console opens a target from a list of them (a street office's campaign has tens of
  // thousands: filtered by grid and state, one page at a time).
  app.get('/api/campaigns/:id/targets', { preHandler: managers, schema: { params: idParams, querystring: targetsQuery } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const c = await managed(scope, request.params.id)
    const { gridId, state, offset, limit } = request.query
    // Filtered, counted and paged in SQL (a street office's campaign has 20,000 targets).
    const page = await targetPage(app.db, c.id, { gridId, state, offset, limit })
    return { total: page.total, offset, targets: page.targets }
  })

  app.get('/api/campaigns/:id/targets/:targetId', { preHandler: managers, schema: { params: targetParams } }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    const c = await managed(scope, request.params.id)
    const target = await getTarget(app.db, c.id, request.params.targetId)
    if (!target) throw notFound('找不到这个排查对象')
    const answers = await answersOfTarget(app.db, c.id, target.id)
    return { target, state: targetState(answers), answers }
  })

  app.get('/api/campaigns/mine', { preHandler: [app.authenticate] }, async (request) => {
    const scope = await loadScope(app.db, request.auth!)
    if (scope.all) return { campaigns: [] }
    const grids = [...scope.gridIds]
    const running = (await listCampaigns(app.db, [...scope.communityIds])).filter((c) => c.status === 'published')
    const out = []
    for (const c of running) {
      const targets = await targetsOf(app.db, c.id, grids)
      if (targets.length) out.push({ campaign: c, targets })
    }
    return { campaigns: out }
  })

  /** The targets of a campaign's selection among the households and buildings of its community. */
  async function selectFor(db: Database, c: Campaign) {
    const grids = await gridsOfCommunity(db, c.communityId)
    const children = new Map<string, string[]>()
    for (const g of grids) if (g.parentId) children.set(g.parentId, [...(children.get(g.parentId) ?? []), g.id])
    const chosen = c.selection.gridIds.length ? c.selection.gridIds : [c.communityId]
    const expanded = new Set<string>()
    const walk = (id: string) => {
      if (expanded.has(id)) return
      expanded.add(id)
      for (const k of children.get(id) ?? []) walk(k)
    }
    for (const id of chosen) {
      if (!grids.some((g) => g.id === id)) throw badRequest('所选网格不在这个社区', 'invalid_campaign')
      walk(id)
    }
    const { households, buildings } = await householdsAndBuildingsIn(db, [...expanded])
    return selectTargets({ ...c.selection, gridIds: [...expanded] }, households, buildings)
  }
}

export default campaignRoutes
