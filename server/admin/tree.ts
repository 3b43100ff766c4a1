/**
 * What every administration route needs: who is asking (scope → AdminActor), the community a
 * request is about (404 for one the caller may not administer: they do not learn it exists), a
 * community's grids with their counts, and server-side HLC stamps that win over what the record
 * had, so phones take the administrator's change (LWW by stamp, DESIGN §4).
 */
import type { Database, Queryable } from '../db/adapter'
import { gridSchema, type EntityName, type Grid, type Role } from '../../src/domain/entities'
import { formatHlc, isHlc, parseHlc } from '../../src/domain/hlc'
import { mayAdministerCommunity, type AdminActor } from '../../src/domain/administration'
import { loadScope } from '../sync/scope'
import { notFound } from '../errors'

export interface Caller {
  userId: string
  role: Role
  actor: AdminActor
}

export async function callerOf(db: Database, auth: { userId: string; role: Role; gridIds: string[] }): Promise<Caller> {
  const scope = await loadScope(db, auth)
  return { userId: auth.userId, role: auth.role, actor: { role: auth.role, communityIds: scope.communityIds } }
}

export async function loadGrid(db: Queryable, id: string): Promise<Grid | null> {
  const { rows } = await db.query<{ data: unknown }>(`SELECT data FROM records WHERE entity = 'grids' AND id = $1::uuid AND NOT deleted`, [id])
  const parsed = rows[0] ? gridSchema.safeParse(rows[0].data) : null
  return parsed?.success ? parsed.data : null
}

/** The community `id`, when the caller administers it; else 404 (also for a grid that is not a community). */
export async function communityFor(db: Queryable, caller: Caller, id: string): Promise<Grid> {
  const c = await loadGrid(db, id)
  if (!c || c.level !== 'community' || !mayAdministerCommunity(caller.actor, c.id)) throw notFound('找不到这个社区（或您无权管理它）')
  return c
}

/** A grid or micro-grid of a community the caller administers; else 404. */
export async function gridFor(db: Queryable, caller: Caller, id: string): Promise<Grid> {
  const g = await loadGrid(db, id)
  if (!g || g.level === 'community' || !mayAdministerCommunity(caller.actor, g.communityId)) throw notFound('找不到这个网格（或您无权管理它）')
  return g
}

/** The grids and micro-grids of a community (not the community record itself). */
export async function communityGrids(db: Queryable, communityId: string): Promise<Grid[]> {
  const { rows } = await db.query<{ data: unknown }>(
    `SELECT data FROM records WHERE entity = 'grids' AND NOT deleted AND data->>'communityId' = $1 AND data->>'level' <> 'community'`,
    [communityId],
  )
  return rows.flatMap((r) => {
    const p = gridSchema.safeParse(r.data)
    return p.success ? [p.data] : []
  })
}

/** Live records of an entity per grid. */
export async function countsByGrid(db: Queryable, entity: EntityName, gridIds: readonly string[]): Promise<Map<string, number>> {
  if (!gridIds.length) return new Map()
  const { rows } = await db.query<{ grid_id: string; n: number }>(
    `SELECT grid_id::text, count(*)::int AS n FROM records WHERE entity = $1 AND NOT deleted AND grid_id = ANY($2::uuid[]) GROUP BY grid_id`,
    [entity, gridIds],
  )
  return new Map(rows.map((r) => [r.grid_id, r.n]))
}

/** A server stamp later than `previous` (the record's own) and not before `now`. */
export function nextHlc(previous: string | null | undefined, now: number): string {
  if (!previous || !isHlc(previous)) return formatHlc({ wall: now, counter: 0, node: 'server' })
  const p = parseHlc(previous)
  if (p.wall < now) return formatHlc({ wall: now, counter: 0, node: 'server' })
  return p.counter < 99_999 ? formatHlc({ wall: p.wall, counter: p.counter + 1, node: 'server' }) : formatHlc({ wall: p.wall + 1, counter: 0, node: 'server' })
}

// The administration routes take the audit writer from here with the rest of their toolkit.
export { audit } from '../repositories/audit'

/** Grids first, each followed by its micro-grids, in code order (the order a street office lists them). */
export function treeOrder(grids: readonly Grid[]): Grid[] {
  const byCode = (a: Grid, b: Grid) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }) || a.name.localeCompare(b.name, 'zh-CN', { numeric: true })
  const tops = grids.filter((g) => g.level === 'grid').sort(byCode)
  const out: Grid[] = []
  for (const t of tops) out.push(t, ...grids.filter((g) => g.level === 'micro' && g.parentId === t.id).sort(byCode))
  const placed = new Set(out.map((g) => g.id))
  out.push(...grids.filter((g) => !placed.has(g.id)).sort(byCode))
  return out
}
