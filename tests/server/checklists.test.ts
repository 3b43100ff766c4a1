/**
 * Issue 18, 检查表 per community, versioned: the admin endpoints, the scope of checklists in pull
 * and push (one rule, canSee + visibleSql), and records made with an older version still accepted.
 * On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { putWholeRecords } from '../../server/records'
import { canSee, loadScope } from '../../server/sync/scope'
import { newChecklist } from '../../src/domain/checklists'
import type { Checklist, ChecklistItem } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { injectJson, serverHlc, testDatabases, useTestApp } from './helper'
import { create, household, pullAll, push, testClock, update, visit } from './syncFixtures'
import { twoCommunities, type TwoCommunities } from './scopeFixtures'

const items: ChecklistItem[] = [
  { id: 'address', label: '住址清', category: '五清', required: true, kind: 'yesno' },
  { id: 'kind', label: '住房类型', category: '五清', required: false, kind: 'choice', options: ['自有', '租住'] },
]

describe.each(testDatabases())('checklists on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let t: TwoCommunities
  let shared: Checklist
  const clock = testClock('dev-s')

  useTestApp(tdb, async (d, a) => {
    db = d
    app = a
    t = await twoCommunities(db, app)
    shared = newChecklist({ id: uuidv7(), hlc: serverHlc(), kind: 'visit', communityId: null, name: '入户走访（通用）', items })
    await putWholeRecords(db, 'checklists', [shared])
  }, { per: 'file' })

  const api = (as: keyof TwoCommunities['as'], method: 'GET' | 'POST', url: string, payload?: unknown) =>
    injectJson(app, { method, url, headers: t.as[as].headers, payload: payload as object })
  const createFor = (as: keyof TwoCommunities['as'], communityId: string | null, over: Record<string, unknown> = {}) =>
    api(as, 'POST', '/api/admin/checklists', { communityId, kind: 'visit', name: '入户走访', items, ...over })
  const stored = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE entity = 'checklists'`)).rows[0].n
  const audits = async () => (await db.query<{ action: string; detail: { summary: string } }>(`SELECT action, detail FROM audit_log ORDER BY id`)).rows

  // One database for the file (PGlite is slow to set up per test): this test runs first.
  it('a supervisor creates their community checklist (version 1), audited in words; sees only theirs and the shared set', async () => {
    const made = await createFor('sup1', t.c1.id)
    expect(made.status).toBe(201)
    expect(made.body.checklist).toMatchObject({ version: 1, communityId: t.c1.id, name: '入户走访', history: [] })
    expect((await audits()).at(-1)).toMatchObject({ action: 'checklist_create', detail: { summary: '新建香港路社区走访检查表“入户走访”（2 项）' } })
    expect((await createFor('sup2', t.c2.id)).status).toBe(201)

    const list1 = await api('sup1', 'GET', '/api/admin/checklists')
    expect(list1.status).toBe(200)
    expect(list1.body.communities).toEqual([{ id: t.c1.id, name: '香港路社区' }])
    expect(list1.body.checklists.map((c: { name: string; editable: boolean; itemCount: number }) => [c.name, c.editable, c.itemCount])).toEqual([
      ['入户走访', true, 2],
      ['入户走访（通用）', false, 2],
    ])
    const adminList = await api('admin', 'GET', '/api/admin/checklists')
    expect(adminList.body.checklists).toHaveLength(3)
    expect(adminList.body.communities).toHaveLength(2)
  })

  it('another community is 404 for a supervisor, a worker is 403, the shared set is for admins', async () => {
    expect((await createFor('sup1', t.c2.id)).status).toBe(404)
    expect((await api('sup1', 'GET', `/api/admin/checklists?communityId=${t.c2.id}`)).status).toBe(404)
    expect((await createFor('wa', t.c1.id)).status).toBe(403)
    expect((await api('wa', 'GET', '/api/admin/checklists')).status).toBe(403)
    const theirs = (await createFor('sup2', t.c2.id)).body.checklist as Checklist
    expect((await api('sup1', 'GET', `/api/admin/checklists/${theirs.id}`)).status).toBe(404)
    const publish = await api('sup1', 'POST', `/api/admin/checklists/${theirs.id}/publish`, { name: '改', items })
    expect(publish.status).toBe(404)
    expect((await api('wx', 'POST', `/api/admin/checklists/${theirs.id}/publish`, { name: '改', items })).status).toBe(403)
    const sharedEdit = await api('sup1', 'POST', `/api/admin/checklists/${shared.id}/publish`, { name: '改', items })
    expect(sharedEdit.status).toBe(403)
    expect((await createFor('sup1', null)).status).toBe(403)
    expect((await api('admin', 'POST', `/api/admin/checklists/${shared.id}/publish`, { name: '通用 第二版', items })).status).toBe(200)
    const { rows } = await db.query<{ data: Checklist }>(`SELECT data FROM records WHERE entity = 'checklists' AND id = $1::uuid`, [theirs.id])
    expect(rows[0].data.version).toBe(1)
  })

  it('bad items are a readable 400 in Chinese and nothing is stored', async () => {
    const before = await stored()
    const auditsBefore = (await audits()).length
    const dupes = await createFor('sup1', t.c1.id, { items: [items[0], { ...items[0], label: '' }, { ...items[1], id: 'x', options: ['只有一个'] }] })
    expect(dupes.status).toBe(400)
    expect(dupes.body.message).toBe('检查表有误：第 2 项：检查项的编号重复；第 2 项：检查项内容不能为空；第 3 项：单选题至少要有两个选项')
    const empty = await createFor('sup1', t.c1.id, { name: ' ', items: [] })
    expect(empty.body.message).toBe('检查表有误：检查表名称不能为空；检查表至少要有一项')
    expect((await createFor('sup1', t.c1.id, { kind: 'form' })).status).toBe(400)
    const made = (await createFor('sup1', t.c1.id)).body.checklist as Checklist
    const badPublish = await api('sup1', 'POST', `/api/admin/checklists/${made.id}/publish`, { name: '入户走访', items: [{ ...items[1], options: [] }] })
    expect(badPublish.status).toBe(400)
    expect(badPublish.body.message).toMatch(/^检查表有误：第 1 项：单选题至少要有两个选项/)
    expect(await stored()).toBe(before + 1)
    const { rows } = await db.query<{ data: Checklist }>(`SELECT data FROM records WHERE entity = 'checklists' AND id = $1::uuid`, [made.id])
    expect(rows[0].data.version).toBe(1)
    expect((await audits()).slice(auditsBefore).map((a) => a.action)).toEqual(['checklist_create'])
  })

  it('publish makes version 2, pull delivers it to the community only; a visit made with version 1 is still accepted', async () => {
    const made = (await createFor('sup1', t.c1.id)).body.checklist as Checklist
    const waFirst = await pullAll(app, t.as.wa)
    const wxFirst = await pullAll(app, t.as.wx)
    expect(waFirst.changes.some((c) => c.id === made.id)).toBe(true)
    expect(wxFirst.changes.some((c) => c.id === made.id)).toBe(false)
    expect(wxFirst.changes.some((c) => c.id === shared.id)).toBe(true)

    const v2Items = [{ ...items[0], label: '住址与台账一致' }, { id: 'needs', label: '诉求需求清', category: '五清', required: true, kind: 'text' }]
    const conflict = await api('sup1', 'POST', `/api/admin/checklists/${made.id}/publish`, { name: '入户走访（五清）', items: v2Items, baseVersion: 3 })
    expect(conflict.status).toBe(409)
    const published = await api('sup1', 'POST', `/api/admin/checklists/${made.id}/publish`, { name: '入户走访（五清）', items: v2Items, baseVersion: 1 })
    expect(published.status).toBe(200)
    expect(published.body.checklist).toMatchObject({ id: made.id, version: 2, history: [{ version: 1, items }] })
    expect((await audits()).at(-1)).toMatchObject({
      action: 'checklist_publish',
      detail: { summary: '发布香港路社区走访检查表“入户走访（五清）”第 2 版（2 项；新增 1，删除 1，改动 1）', added: ['诉求需求清'], removed: ['住房类型'] },
    })

    const waNext = await pullAll(app, t.as.wa, waFirst.cursor)
    const got = waNext.changes.find((c) => c.id === made.id)
    expect(got && 'data' in got ? got.data : null).toMatchObject({ version: 2, name: '入户走访（五清）' })
    expect((await pullAll(app, t.as.wx, wxFirst.cursor)).changes.some((c) => c.id === made.id)).toBe(false)

    // a visit saved offline against version 1 arrives after version 2 was published
    const h = household(t.gridA.id)
    expect((await push(app, t.as.sup1, [create('households', h, clock())]))[0].status).toBe('applied')
    const old = visit(h, t.users.wa.id, { checklistId: made.id, checklistVersion: 1, answers: { address: true, kind: '租住' } })
    expect((await push(app, t.as.wa, [create('visits', old, clock())]))[0]).toMatchObject({ status: 'applied' })
  })

  it('push follows the same rule: a supervisor writes their own community checklists only', async () => {
    const mine = newChecklist({ id: uuidv7(), hlc: clock(), kind: 'patrol', communityId: t.c1.id, name: '日日巡', items })
    const foreign = newChecklist({ id: uuidv7(), hlc: clock(), kind: 'patrol', communityId: t.c2.id, name: '日日巡', items })
    const [own, other, sharedEdit] = await push(app, t.as.sup1, [
      create('checklists', mine, clock()),
      create('checklists', foreign, clock()),
      update('checklists', shared.id, { name: '改名' }, clock()),
    ])
    expect(own.status).toBe('applied')
    expect(other).toMatchObject({ status: 'rejected', code: 'out_of_scope' })
    expect(sharedEdit).toMatchObject({ status: 'rejected', code: 'out_of_scope' })
    const [moveAway] = await push(app, t.as.sup1, [update('checklists', mine.id, { communityId: t.c2.id }, clock())])
    expect(moveAway).toMatchObject({ status: 'rejected', code: 'out_of_scope' })
    expect((await push(app, t.as.wa, [update('checklists', mine.id, { name: '改' }, clock())]))[0]).toMatchObject({ status: 'rejected', code: 'role' })
  })

  it('canSee agrees with what pull hands out, for every user', async () => {
    const c1List = (await createFor('sup1', t.c1.id)).body.checklist as Checklist
    const c2List = (await createFor('sup2', t.c2.id)).body.checklist as Checklist
    for (const key of Object.keys(t.as) as (keyof TwoCommunities['as'])[]) {
      const pulled = new Set((await pullAll(app, t.as[key])).changes.filter((c) => c.entity === 'checklists').map((c) => c.id))
      const scope = await loadScope(db, { userId: t.users[key].id, role: t.users[key].role, gridIds: t.users[key].record.gridIds })
      for (const c of [shared, c1List, c2List]) {
        const row = { entity: 'checklists' as const, id: c.id, gridId: null, ownerId: null, data: c as unknown as Record<string, unknown> }
        expect([key, c.name, pulled.has(c.id)]).toEqual([key, c.name, canSee(scope, row)])
      }
    }
  })
})
