/**
 * 人员: accounts of a community, their grids, sign-in links and handover (issue 18).
 *
 *   GET   /api/admin/communities/:id/people
 *   POST  /api/admin/people                        {communityId, username, name, phone, role, gridIds, password?}
 *   PATCH /api/admin/people/:id                    {name?, phone?, role?, gridIds?, disabled?}
 *   POST  /api/admin/people/:id/password           {password}
 *   POST  /api/admin/people/:id/sign-in-links      → {link: {id, token, url, expiresAt}}
 *   GET   /api/admin/people/:id/sign-in-links
 *   POST  /api/admin/sign-in-links/:linkId/revoke
 *   POST  /api/admin/grids/:id/handover            {fromUserId?, toUserId}
 *   POST  /api/admin/communities/:id/people/import?dryRun=1   multipart `file` (.xlsx/.csv)
 *
 * The profile is the synced `users` record (its gridIds are the person's scope); the username,
 * password and the switch-off live in `credentials`. A grid's `workerIds` is kept in step with
 * its workers' gridIds, in the same transaction, so the phones' grid map names who works where.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { gridSchema, idSchema, userSchema, type Grid, type Role, type User } from '../../src/domain/entities'
import { usernameSchema } from '../../src/domain/auth'
import { uuidv7 } from '../../src/domain/ids'
import { isPhoneNumber } from '../../src/domain/phone'
import { handOverGrid, mayAdministerCommunity, mayManageRole, nameProblem, passwordProblem } from '../../src/domain/administration'
import { badRequest, forbidden, HttpError, notFound, parseWith } from '../errors'
import { putWholeRecords } from '../records'
import type { Queryable } from '../db/adapter'
import { decoyHash, hashPassword } from '../auth/password'
import { normalizeUsername } from '../auth/routes'
import type { AdminOptions } from './grids'
import { audit, callerOf, communityFor, communityGrids, countsByGrid, gridFor, loadGrid, nextHlc, type Caller } from './tree'
import { createSignInLink, findSignInLink, listSignInLinks, revokeSignInLink } from './signInLinks'
import { communityLeftBy, gridlessLeaversOf, recordGridExits } from '../repositories/gridExits'
import { loadIssues } from '../supervisor/issues'
import { deriveIssueState, isOpen } from '../../src/domain/issueState'
import { readSheet, readUpload } from './upload'

export function phoneProblem(phone: string): string | null {
  if (!phone) return null
  return isPhoneNumber(phone) ? null : `手机号“${phone}”格式不对（11 位手机号或带区号的座机）`
}

interface Person {
  user: User
  username: string
  disabled: boolean
  devices: number
}

async function loadPeople(db: Queryable, filter: { ids?: string[]; gridIds?: string[] }): Promise<Person[]> {
  const { rows } = await db.query<{ data: unknown; username: string; disabled: boolean; devices: number }>(
    `SELECT r.data, c.username, c.disabled,
            (SELECT count(*)::int FROM devices d WHERE d.user_id = r.id AND d.revoked_at IS NULL) AS devices
       FROM records r JOIN credentials c ON c.user_id = r.id
      WHERE r.entity = 'users' AND NOT r.deleted
        AND ($1::uuid[] IS NULL OR r.id = ANY($1::uuid[]))
        AND ($2::text[] IS NULL OR (r.data->'gridIds') ?| $2::text[])`,
    [filter.ids ?? null, filter.gridIds ?? null],
  )
  return rows.flatMap((r) => {
    const p = userSchema.safeParse(r.data)
    return p.success ? [{ user: p.data, username: r.username, disabled: r.disabled, devices: r.devices }] : []
  })
}

/** The person `id` when the caller administers a community they work in (an admin: anyone). */
async function personFor(db: Queryable, caller: Caller, id: string): Promise<{ person: Person; communityId: string | null }> {
  const [person] = await loadPeople(db, { ids: [id] })
  if (!person) throw notFound('找不到这个人员')
  // A worker whose last grid was handed over belongs to the community they left (grid_exits).
  const communityId = (await communityOfGrids(db, person.user.gridIds)) ?? (person.user.gridIds.length ? null : await communityLeftBy(db, person.user.id))
  if (caller.role !== 'admin' && (!communityId || !mayAdministerCommunity(caller.actor, communityId))) throw notFound('找不到这个人员（或您无权管理）')
  return { person, communityId }
}

async function communityOfGrids(db: Queryable, gridIds: readonly string[]): Promise<string | null> {
  if (!gridIds.length) return null
  const { rows } = await db.query<{ c: string }>(`SELECT data->>'communityId' AS c FROM records WHERE entity = 'grids' AND NOT deleted AND id = ANY($1::uuid[]) LIMIT 1`, [gridIds])
  return rows[0]?.c ?? null
}

/** A person joining (`after`) and leaving (`before`) grids as a worker. */
interface WorkerMove {
  userId: string
  before: readonly string[]
  after: readonly string[]
}

/**
 * Adds and removes each person in the workerIds of the grids they join or leave, writing each
 * grid once however many people of a sheet join it.
 */
async function keepWorkerIds(tx: Queryable, moves: readonly WorkerMove[], now: number): Promise<void> {
  const byGrid = new Map<string, { join: Set<string>; leave: Set<string> }>()
  for (const { userId, before, after } of moves) {
    for (const gridId of new Set([...before, ...after])) {
      if (before.includes(gridId) === after.includes(gridId)) continue
      const e = byGrid.get(gridId) ?? { join: new Set<string>(), leave: new Set<string>() }
      byGrid.set(gridId, e)
      ;(after.includes(gridId) ? e.join : e.leave).add(userId)
    }
  }
  for (const [gridId, { join, leave }] of byGrid) {
    const grid = await loadGrid(tx, gridId)
    if (!grid || grid.level === 'community') continue
    const workerIds = [...new Set([...grid.workerIds.filter((w) => !leave.has(w)), ...join])]
    await putWholeRecords(tx, 'grids', [parseWith(gridSchema, { ...grid, workerIds, hlc: nextHlc(grid.hlc, now) }, '网格')])
  }
}

const peopleRoutes: FastifyPluginAsync<AdminOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const now = opts.now ?? Date.now
  const preHandler = [app.authenticate, app.requireRole('supervisor', 'admin')]
  const caller = (request: FastifyRequest) => callerOf(app.db, request.auth!)

  function answer(p: Person, gridNames: Map<string, string>) {
    return {
      id: p.user.id, username: p.username, name: p.user.name, phone: p.user.phone, role: p.user.role, gridIds: p.user.gridIds,
      gridNames: p.user.gridIds.map((g) => gridNames.get(g)).filter((n): n is string => !!n), disabled: p.disabled, devices: p.devices,
    }
  }
  async function namesOf(communityId: string | null): Promise<Map<string, string>> {
    if (!communityId) return new Map()
    const c = await loadGrid(app.db, communityId)
    const grids = await communityGrids(app.db, communityId)
    return new Map([...(c ? [[c.id, c.name] as [string, string]] : []), ...grids.map((g) => [g.id, g.name] as [string, string])])
  }

  /** The gridIds a person of `role` gets in `community`: a supervisor the community, a worker grids of it. */
  function gridIdsFor(role: Role, community: Grid, grids: Grid[], asked: readonly string[]): string[] {
    if (role === 'supervisor') return [community.id]
    const known = new Set(grids.map((g) => g.id))
    const stray = asked.filter((g) => !known.has(g))
    if (stray.length) throw badRequest('所选网格不在这个社区里')
    // A worker belongs to a community through their grids: without one nobody could find them again
    // (a 交接 may leave one without: they stay with the community they left, grid_exits).
    if (!asked.length) throw badRequest('网格员至少要负责一个网格')
    return [...new Set(asked)]
  }

  async function createPerson(
    tx: Queryable,
    c: Caller,
    community: Grid,
    grids: Grid[],
    p: { username: string; name: string; phone: string; role: Role; gridIds: string[]; passwordHash: string },
    /** Collects the grids' workerIds changes for the caller to write once (a sheet); else written now. */
    deferred?: WorkerMove[],
  ): Promise<Person> {
    const username = normalizeUsername(p.username)
    const { rows } = await tx.query('SELECT 1 FROM credentials WHERE username = $1', [username])
    if (rows.length) throw new HttpError(409, 'duplicate_username', `用户名“${username}”已被使用`)
    const t = now()
    const user = parseWith(userSchema, {
      id: uuidv7(t), hlc: nextHlc(null, t), deleted: false, name: p.name.trim(), role: p.role,
      gridIds: gridIdsFor(p.role, community, grids, p.gridIds), phone: p.phone.trim(),
    }, '人员')
    await putWholeRecords(tx, 'users', [user])
    await tx.query('INSERT INTO credentials (user_id, username, password_hash) VALUES ($1::uuid, $2, $3)', [user.id, username, p.passwordHash])
    const move = { userId: user.id, before: [], after: user.role === 'worker' ? user.gridIds : [] }
    if (deferred) deferred.push(move)
    else await keepWorkerIds(tx, [move], t)
    await audit(tx, c.userId, 'admin.person.create', { userId: user.id, name: user.name, username, role: user.role, community: community.name })
    return { user, username, disabled: false, devices: 0 }
  }

  function checkNew(c: Caller, b: { username: string; name: string; phone: string; role: Role }): void {
    if (!mayManageRole(c.role, b.role)) throw forbidden('您不能创建这种角色的账号')
    const u = usernameSchema.safeParse(b.username)
    if (!u.success || !/^[A-Za-z0-9_.-]{2,64}$/.test(b.username.trim())) throw badRequest('用户名只能用 2–64 位字母、数字、点、- 或 _')
    for (const p of [nameProblem(b.name, '姓名'), phoneProblem(b.phone.trim())]) if (p) throw badRequest(p)
  }

  app.get('/api/admin/communities/:id/people', { preHandler, schema: { params: z.object({ id: idSchema }) } }, async (request) => {
    const community = await communityFor(app.db, await caller(request), request.params.id)
    const grids = await communityGrids(app.db, community.id)
    const people = await loadPeople(app.db, { gridIds: [community.id, ...grids.map((g) => g.id)] })
    const leavers = await gridlessLeaversOf(app.db, community.id)
    if (leavers.length) people.push(...(await loadPeople(app.db, { ids: leavers })))
    const names = await namesOf(community.id)
    const order = { supervisor: 0, worker: 1, admin: 2 } as const
    return {
      people: people
        .map((p) => answer(p, names))
        .sort((a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name, 'zh-CN')),
    }
  })

  app.post(
    '/api/admin/people',
    {
      preHandler,
      schema: {
        body: z.object({
          communityId: idSchema, username: z.string().max(100), name: z.string().max(100), phone: z.string().max(40).default(''),
          role: z.enum(['worker', 'supervisor']), gridIds: z.array(idSchema).max(200).default([]), password: z.string().max(200).optional(),
        }),
      },
    },
    async (request) => {
      const c = await caller(request)
      const b = request.body
      const community = await communityFor(app.db, c, b.communityId)
      checkNew(c, b)
      if (b.password !== undefined) {
        const p = passwordProblem(b.password)
        if (p) throw badRequest(p)
      }
      const grids = await communityGrids(app.db, community.id)
      // No password: the person signs in with a QR link; the stored hash is of a random secret.
      const passwordHash = b.password !== undefined ? await hashPassword(b.password) : await decoyHash()
      const person = await app.db.transaction((tx) => createPerson(tx, c, community, grids, { ...b, passwordHash }))
      return { person: answer(person, await namesOf(community.id)) }
    },
  )

  app.patch(
    '/api/admin/people/:id',
    {
      preHandler,
      schema: {
        params: z.object({ id: idSchema }),
        body: z.object({
          name: z.string().max(100).optional(), phone: z.string().max(40).optional(), role: z.enum(['worker', 'supervisor']).optional(),
          gridIds: z.array(idSchema).max(200).optional(), disabled: z.boolean().optional(),
        }),
      },
    },
    async (request) => {
      const c = await caller(request)
      const { person, communityId } = await personFor(app.db, c, request.params.id)
      if (person.user.id === c.userId && request.body.disabled) throw badRequest('不能停用自己的账号')
      if (!mayManageRole(c.role, person.user.role)) throw forbidden('您不能修改这个账号')
      const b = request.body
      const t = now()
      const next: User = { ...person.user }
      const changes: string[] = []
      if (b.name !== undefined && b.name.trim() !== next.name) {
        const p = nameProblem(b.name, '姓名')
        if (p) throw badRequest(p)
        changes.push(`姓名 ${next.name} → ${b.name.trim()}`)
        next.name = b.name.trim()
      }
      if (b.phone !== undefined && b.phone.trim() !== next.phone) {
        const p = phoneProblem(b.phone.trim())
        if (p) throw badRequest(p)
        next.phone = b.phone.trim()
        changes.push('手机号已更新')
      }
      const community = communityId ? await loadGrid(app.db, communityId) : null
      const grids = communityId ? await communityGrids(app.db, communityId) : []
      if (b.role !== undefined && b.role !== next.role) {
        if (!mayManageRole(c.role, b.role)) throw forbidden('您不能设置这种角色')
        next.role = b.role
        changes.push(`角色改为${b.role === 'supervisor' ? '督导' : '网格员'}`)
      }
      if (b.gridIds !== undefined || b.role !== undefined) {
        if (!community) throw badRequest('这个人员还不属于任何社区，请由管理员分配')
        next.gridIds = gridIdsFor(next.role, community, grids, b.gridIds ?? (next.role === 'worker' ? next.gridIds.filter((g) => g !== community.id) : []))
        if (next.gridIds.join() !== person.user.gridIds.join()) changes.push('负责网格已更新')
      }
      const disabling = b.disabled === true && !person.disabled
      const enabling = b.disabled === false && person.disabled
      if (disabling) changes.push('停用账号，所有设备已退出')
      if (enabling) changes.push('启用账号')
      await app.db.transaction(async (tx) => {
        if (next !== person.user && JSON.stringify(next) !== JSON.stringify(person.user)) {
          next.hlc = nextHlc(person.user.hlc, t)
          await putWholeRecords(tx, 'users', [parseWith(userSchema, next, '人员')])
          await keepWorkerIds(tx, [{ userId: next.id, before: person.user.role === 'worker' ? person.user.gridIds : [], after: next.role === 'worker' ? next.gridIds : [] }], t)
          // A grid taken off: what their phone recorded before still counts (server/sync/leftGrids.ts).
          const dropped = person.user.gridIds.filter((g) => !next.gridIds.includes(g))
          await recordGridExits(tx, dropped.map((gridId) => ({ gridId, userId: next.id, toUserId: null, at: t, byUserId: c.userId })))
        }
        const at = new Date(t).toISOString()
        if (disabling) {
          await tx.query('UPDATE credentials SET disabled = true, disabled_at = $2::timestamptz WHERE user_id = $1::uuid', [next.id, at])
          await tx.query('UPDATE devices SET revoked_at = $2::timestamptz, revoked_by = $3::uuid WHERE user_id = $1::uuid AND revoked_at IS NULL', [next.id, at, c.userId])
          await tx.query('UPDATE sessions SET revoked_at = $2::timestamptz WHERE user_id = $1::uuid AND revoked_at IS NULL', [next.id, at])
          await tx.query('UPDATE sign_in_links SET revoked_at = $2::timestamptz, revoked_by = $3::uuid WHERE user_id = $1::uuid AND revoked_at IS NULL AND used_at IS NULL', [next.id, at, c.userId])
        }
        if (enabling) {
          // Lift only the revocations the switch-off made: a phone reported lost stays off.
          await tx.query(
            `UPDATE devices d SET revoked_at = NULL, revoked_by = NULL FROM credentials c
              WHERE d.user_id = $1::uuid AND c.user_id = d.user_id AND c.disabled_at IS NOT NULL AND d.revoked_at >= c.disabled_at`,
            [next.id],
          )
          await tx.query('UPDATE credentials SET disabled = false, disabled_at = NULL WHERE user_id = $1::uuid', [next.id])
        }
        if (changes.length) await audit(tx, c.userId, 'admin.person.update', { userId: next.id, name: next.name, changes })
      })
      const [fresh] = await loadPeople(app.db, { ids: [next.id] })
      return { person: answer(fresh, await namesOf(communityId)) }
    },
  )

  app.post(
    '/api/admin/people/:id/password',
    { preHandler, schema: { params: z.object({ id: idSchema }), body: z.object({ password: z.string().max(200) }) } },
    async (request) => {
      const c = await caller(request)
      const { person } = await personFor(app.db, c, request.params.id)
      if (!mayManageRole(c.role, person.user.role)) throw forbidden('您不能修改这个账号的密码')
      const p = passwordProblem(request.body.password)
      if (p) throw badRequest(p)
      const hash = await hashPassword(request.body.password)
      await app.db.transaction(async (tx) => {
        await tx.query('UPDATE credentials SET password_hash = $2 WHERE user_id = $1::uuid', [person.user.id, hash])
        await audit(tx, c.userId, 'admin.person.password', { userId: person.user.id, name: person.user.name })
      })
      return { ok: true as const }
    },
  )

  app.post('/api/admin/people/:id/sign-in-links', { preHandler, schema: { params: z.object({ id: idSchema }) } }, async (request) => {
    const c = await caller(request)
    const { person } = await personFor(app.db, c, request.params.id)
    if (!mayManageRole(c.role, person.user.role)) throw forbidden('您不能为这个账号生成登录二维码')
    if (person.disabled) throw badRequest('这个账号已停用，请先启用')
    const { link, token } = await app.db.transaction(async (tx) => {
      const made = await createSignInLink(tx, person.user.id, c.userId, now())
      await audit(tx, c.userId, 'admin.sign_in_link.create', { userId: person.user.id, name: person.user.name, linkId: made.link.id, expiresAt: made.link.expiresAt })
      return made
    })
    const proto = (request.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0] ?? request.protocol
    const url = `${proto}://${request.headers.host ?? request.hostname}/link#t=${token}`
    return { link: { id: link.id, token, url, expiresAt: link.expiresAt, username: person.username, name: person.user.name } }
  })

  app.get('/api/admin/people/:id/sign-in-links', { preHandler, schema: { params: z.object({ id: idSchema }) } }, async (request) => {
    const { person } = await personFor(app.db, await caller(request), request.params.id)
    const links = await listSignInLinks(app.db, person.user.id)
    const creators = await loadPeople(app.db, { ids: [...new Set(links.map((l) => l.createdBy))] })
    const names = new Map(creators.map((p) => [p.user.id, p.user.name]))
    return { links: links.map((l) => ({ id: l.id, createdAt: l.createdAt, expiresAt: l.expiresAt, usedAt: l.usedAt, revokedAt: l.revokedAt, createdBy: names.get(l.createdBy) ?? '' })) }
  })

  app.post('/api/admin/sign-in-links/:linkId/revoke', { preHandler, schema: { params: z.object({ linkId: idSchema }) } }, async (request) => {
    const c = await caller(request)
    const link = await findSignInLink(app.db, request.params.linkId)
    if (!link) throw notFound('找不到这个登录二维码')
    const { person } = await personFor(app.db, c, link.userId)
    await app.db.transaction(async (tx) => {
      await revokeSignInLink(tx, link.id, c.userId, now())
      await audit(tx, c.userId, 'admin.sign_in_link.revoke', { userId: person.user.id, name: person.user.name, linkId: link.id })
    })
    return { ok: true as const }
  })

  app.post(
    '/api/admin/grids/:id/handover',
    { preHandler, schema: { params: z.object({ id: idSchema }), body: z.object({ fromUserId: idSchema.optional(), toUserId: idSchema }) } },
    async (request) => {
      const c = await caller(request)
      const grid = await gridFor(app.db, c, request.params.id)
      const { person: to, communityId } = await personFor(app.db, c, request.body.toUserId).catch(() => {
        throw badRequest('接手的人员不在这个社区')
      })
      if (communityId !== grid.communityId) throw badRequest('接手的人员不在这个社区')
      if (to.user.role !== 'worker') throw badRequest('只能交接给网格员')
      if (to.disabled) throw badRequest(`${to.user.name}的账号已停用`)
      const holders = (await loadPeople(app.db, { gridIds: [grid.id] })).filter((p) => p.user.role === 'worker' && p.user.id !== to.user.id)
      const from = request.body.fromUserId ? holders.filter((p) => p.user.id === request.body.fromUserId) : holders
      if (request.body.fromUserId && !from.length) throw badRequest('交出的人员并不负责这个网格')
      const t = now()
      const moved = await whatMoves(app.db, grid)
      await app.db.transaction(async (tx) => {
        for (const p of from) {
          const handed = handOverGrid(grid.id, p.user.gridIds, to.user.gridIds)
          await putWholeRecords(tx, 'users', [{ ...p.user, gridIds: handed.from, hlc: nextHlc(p.user.hlc, t) }])
        }
        // Who left when: their phone's later pushes are judged by it (server/sync/leftGrids.ts).
        await recordGridExits(tx, from.map((p) => ({ gridId: grid.id, userId: p.user.id, toUserId: to.user.id, at: t, byUserId: c.userId })))
        const received = handOverGrid(grid.id, [], to.user.gridIds).to
        await putWholeRecords(tx, 'users', [{ ...to.user, gridIds: received, hlc: nextHlc(to.user.hlc, t) }])
        const fresh = (await loadGrid(tx, grid.id))!
        const workerIds = [...fresh.workerIds.filter((w) => !from.some((p) => p.user.id === w)), ...(fresh.workerIds.includes(to.user.id) ? [] : [to.user.id])]
        await putWholeRecords(tx, 'grids', [{ ...fresh, workerIds, hlc: nextHlc(fresh.hlc, t) }])
        await audit(tx, c.userId, 'admin.grid.handover', {
          gridId: grid.id, grid: grid.name, from: from.map((p) => p.user.name), to: to.user.name, ...moved,
        })
      })
      return { grid: { id: grid.id, name: grid.name }, from: from.map((p) => ({ id: p.user.id, name: p.user.name })), to: { id: to.user.id, name: to.user.name }, ...moved }
    },
  )

  app.post(
    '/api/admin/communities/:id/people/import',
    { preHandler, schema: { params: z.object({ id: idSchema }), querystring: z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() }) } },
    async (request) => {
      const c = await caller(request)
      const community = await communityFor(app.db, c, request.params.id)
      const upload = await readUpload(request, '人员表（.xlsx 或 .csv）')
      const sheet = await readSheet(upload.bytes, upload.fileName, ['姓名', '用户名'])
      const grids = await communityGrids(app.db, community.id)
      const byName = new Map(grids.map((g) => [g.name, g]))
      const { rows: taken } = await app.db.query<{ username: string }>('SELECT username FROM credentials')
      const used = new Set(taken.map((r) => r.username))
      const problems: { row: number; messages: string[] }[] = []
      const people: { username: string; name: string; phone: string; role: Role; gridIds: string[] }[] = []
      for (const { row, values } of sheet.rows) {
        const messages: string[] = []
        const username = normalizeUsername(values['用户名'] ?? '')
        const name = values['姓名'] ?? ''
        const phone = (values['手机'] ?? values['手机号'] ?? '').replace(/\s/g, '')
        const roleText = values['角色'] ?? '网格员'
        const role: Role | null = roleText === '网格员' || roleText === '' ? 'worker' : roleText === '督导' || roleText === '督导员' ? 'supervisor' : null
        if (!role) messages.push(`角色“${roleText}”不认识，应为 网格员 或 督导`)
        else if (!mayManageRole(c.role, role)) messages.push('您不能创建这种角色的账号')
        if (!/^[a-z0-9_.-]{2,64}$/.test(username)) messages.push(`用户名“${values['用户名'] ?? ''}”只能用 2–64 位字母、数字、点、- 或 _`)
        else if (used.has(username)) messages.push(`用户名“${username}”已被使用（或在表里重复）`)
        for (const p of [nameProblem(name, '姓名'), phoneProblem(phone)]) if (p) messages.push(p)
        const gridIds: string[] = []
        for (const gname of (values['网格'] ?? '').split(/[、,，;；]+/).map((s) => s.trim()).filter(Boolean)) {
          const g = byName.get(gname)
          if (g) gridIds.push(g.id)
          else messages.push(`网格“${gname}”不在本社区`)
        }
        if (role === 'worker' && !gridIds.length && !messages.some((m) => m.startsWith('网格“'))) messages.push('网格员至少要负责一个网格（网格列）')
        if (messages.length) {
          problems.push({ row, messages })
          continue
        }
        used.add(username)
        people.push({ username, name, phone, role: role!, gridIds })
      }
      const result = { rows: sheet.rows.length, problems }
      if (request.query.dryRun === '1' || request.query.dryRun === 'true') return { ...result, created: 0 }
      if (problems.length) throw new HttpError(400, 'invalid_rows', `表格有 ${problems.length} 行有问题，没有导入任何人员。第 ${problems[0].row} 行：${problems[0].messages.join('；')}`)
      const passwordHash = await decoyHash()
      await app.db.transaction(async (tx) => {
        const moves: WorkerMove[] = []
        for (const p of people) await createPerson(tx, c, community, grids, { ...p, passwordHash }, moves)
        await keepWorkerIds(tx, moves, now())
        await audit(tx, c.userId, 'admin.people.import', { communityId: community.id, community: community.name, file: upload.fileName, rows: sheet.rows.length, created: people.length })
      })
      return { ...result, created: people.length }
    },
  )
}

/**
 * What a handover moves (the console says so): the households and buildings of the grid and its
 * micro-grids, and its issues not yet 办结 (the 事件督办 "open" filter).
 */
async function whatMoves(db: Queryable, grid: Grid): Promise<{ households: number; buildings: number; openIssues: number }> {
  const tree = [grid.id, ...(await communityGrids(db, grid.communityId)).filter((g) => g.parentId === grid.id).map((g) => g.id)]
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  const households = sum(await countsByGrid(db, 'households', tree))
  const buildings = sum(await countsByGrid(db, 'buildings', tree))
  const openIssues = (await loadIssues(db, tree)).filter(({ issue, events }) => {
    const status = deriveIssueState(events, issue.level).status
    return status === 'none' || isOpen(status)
  }).length
  return { households, buildings, openIssues }
}

export default peopleRoutes
