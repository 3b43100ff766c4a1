/**
 * 检查表 administration (issue 18), for supervisors (their own community) and admins (everything);
 * scope is the sync rule (server/sync/scope.ts, src/domain/checklists):
 *
 *   GET  /api/admin/checklists[?communityId=]   {communities, checklists}: the shared set and the
 *                                                caller's communities' (or one community's)
 *   GET  /api/admin/checklists/:id              one checklist, with its earlier versions
 *   POST /api/admin/checklists                   {communityId|null, kind, name, items} → version 1
 *   POST /api/admin/checklists/:id/publish       {name, items, baseVersion?} → version + 1
 *
 * A community the caller does not administer, or a checklist they cannot see, is 404 (its
 * existence is not confirmed); the shared set (communityId null) is changed by admins only (403).
 * Bad items are a 400 naming each problem in Chinese, and nothing is stored. Phones receive the
 * new version by sync: it is a record.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { canEditChecklist, checklistProblems, checklistVisible, checklistProblemText, newChecklist, publishChecklist, type ChecklistActor, type ChecklistDraft } from '../../src/domain/checklists'
import { CHECKLIST_ITEM_KIND_CODES } from '../../src/domain/constants'
import { checklistSchema, describeZodError, idSchema, type Checklist } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { badRequest, forbidden, HttpError, notFound } from '../errors'
import { loadScope } from '../sync/scope'
import { communitiesOf, getChecklist, listChecklists, nextServerHlc, saveChecklist, type Community } from './checklistRecords'

export interface ChecklistAdminOptions {
  now?: () => number
}

// Loose on purpose (generous lengths): what a person typed wrong is answered by
// checklistProblems in Chinese, item by item, not by a schema message.
const itemInput = z.object({
  id: z.string().max(200),
  label: z.string().max(2000),
  category: z.string().max(2000).default(''),
  required: z.boolean().default(false),
  kind: z.enum(CHECKLIST_ITEM_KIND_CODES).optional(),
  options: z.array(z.string().max(2000)).max(200).optional(),
})
const draftInput = z.object({ name: z.string().max(2000), items: z.array(itemInput).max(1000) })
const createInput = draftInput.extend({ communityId: idSchema.nullable(), kind: z.enum(['patrol', 'visit']) })
const publishInput = draftInput.extend({ baseVersion: z.number().int().min(1).optional() })
const idParams = z.object({ id: idSchema })

const checklistAdminRoutes: FastifyPluginAsync<ChecklistAdminOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  const actorOf = (auth: NonNullable<Parameters<typeof loadScope>[1]>): Promise<ChecklistActor> => loadScope(app.db, auth)

  /** The community by id, if the actor administers it; else 404. */
  const communityFor = async (actor: ChecklistActor, id: string): Promise<Community> => {
    const found = (await communitiesOf(app.db, actor)).find((c) => c.id.toLowerCase() === id.toLowerCase())
    if (!found) throw notFound('找不到这个社区，或它不在你的管辖范围内')
    return found
  }
  const communityNameOf = async (actor: ChecklistActor, c: Checklist) => (c.communityId ? (await communityFor(actor, c.communityId)).name : null)

  app.get(
    '/api/admin/checklists',
    { preHandler, schema: { querystring: z.object({ communityId: idSchema.optional() }) } },
    async (request) => {
      const actor = await actorOf(request.auth!)
      if (request.query.communityId) await communityFor(actor, request.query.communityId)
      const [communities, checklists] = await Promise.all([communitiesOf(app.db, actor), listChecklists(app.db, actor, request.query.communityId)])
      return {
        communities,
        checklists: checklists.map((c) => ({ ...summaryOf(c), editable: canEditChecklist(actor, c.communityId) })),
      }
    },
  )

  app.get('/api/admin/checklists/:id', { preHandler, schema: { params: idParams } }, async (request) => {
    const actor = await actorOf(request.auth!)
    const c = await visibleChecklist(actor, request.params.id)
    return { checklist: c, editable: canEditChecklist(actor, c.communityId) }
  })

  app.post('/api/admin/checklists', { preHandler, schema: { body: createInput } }, async (request, reply) => {
    const actor = await actorOf(request.auth!)
    const { communityId, kind } = request.body
    const community = communityId ? await communityFor(actor, communityId) : null
    if (!canEditChecklist(actor, communityId)) throw forbidden('通用检查表只有管理员可以新建或修改')
    const draft = checkedDraft(request.body)
    const checklist = storable(newChecklist({ ...draft, id: uuidv7(now()), hlc: nextServerHlc(now()), kind, communityId: community?.id ?? null }))
    await saveChecklist(app.db, { checklist, previous: null, userId: request.auth!.userId, communityName: community?.name ?? null })
    return reply.code(201).send({ checklist })
  })

  app.post('/api/admin/checklists/:id/publish', { preHandler, schema: { params: idParams, body: publishInput } }, async (request) => {
    const actor = await actorOf(request.auth!)
    const current = await visibleChecklist(actor, request.params.id)
    if (!canEditChecklist(actor, current.communityId)) throw forbidden('通用检查表只有管理员可以修改；请为本社区新建一份检查表')
    const { baseVersion } = request.body
    if (baseVersion !== undefined && baseVersion !== current.version) {
      throw new HttpError(409, 'version_conflict', `这份检查表已发布到第 ${current.version} 版（你编辑的是第 ${baseVersion} 版），请重新打开后再改`)
    }
    const checklist = storable(publishChecklist(current, checkedDraft(request.body), nextServerHlc(now(), current.hlc)))
    await saveChecklist(app.db, { checklist, previous: current, userId: request.auth!.userId, communityName: await communityNameOf(actor, current) })
    return { checklist }
  })

  async function visibleChecklist(actor: ChecklistActor, id: string): Promise<Checklist> {
    const c = await getChecklist(app.db, id)
    if (!c || !checklistVisible(actor, c.communityId)) throw notFound('找不到这份检查表')
    return c
  }
}

/** The draft after the shared rules; every problem in one Chinese sentence when there are any. */
function checkedDraft(input: z.infer<typeof draftInput>): ChecklistDraft {
  const draft: ChecklistDraft = { name: input.name, items: input.items }
  const problems = checklistProblems(draft)
  if (problems.length) throw badRequest(`检查表有误：${problems.slice(0, 10).map((p) => checklistProblemText(p)).join('；')}`, 'invalid_checklist')
  return draft
}

/** The record as sync will carry it; a failure here is a bug of ours, said plainly all the same. */
function storable(c: Checklist): Checklist {
  const parsed = checklistSchema.safeParse(c)
  if (!parsed.success) throw badRequest(`检查表不能保存：${describeZodError(parsed.error)}`, 'invalid_checklist')
  return parsed.data
}

function summaryOf(c: Checklist) {
  return {
    id: c.id, communityId: c.communityId ?? null, kind: c.kind, name: c.name, version: c.version, itemCount: c.items.length,
    items: c.items, history: (c.history ?? []).map((h) => ({ version: h.version, name: h.name, itemCount: h.items.length })),
  }
}

export default checklistAdminRoutes
