/**
 * The grid tree and the people in it, as the console needs them: which grids the supervisor may
 * see (their scope from server/sync/scope.ts), the subtree under a chosen grid, and the grid
 * (level `grid`) a micro-grid belongs to — records carry micro-grid ids, reports group by grid.
 */
import type { Queryable } from '../db/adapter'
import { forbidden, notFound } from '../errors'
import type { Scope } from '../sync/scope'
import type { ConsoleWorker, GridNode } from '../../src/domain/console'

/** A grid as stored, with the workers assigned to it. */
export type GridInfo = GridNode & { workerIds: string[] }
export type WorkerInfo = ConsoleWorker


export interface GridIndex {
  grids: GridInfo[]
  byId: Map<string, GridInfo>
  /** The grid and every grid below it. */
  subtree(id: string): string[]
  /** The `grid`-level ancestor of a grid (itself when it is one; null above that level). */
  topGridOf(id: string | null): string | null
  /** Grids the caller may see. */
  visible: GridInfo[]
  /** Micro- and grid-level ids the caller may see, or null: all of them. */
  scopeIds: string[] | null
}

export async function loadGridIndex(db: Queryable, scope: Scope): Promise<GridIndex> {
  const { rows } = await db.query<{ data: GridInfo }>(
    `SELECT data FROM records WHERE entity = 'grids' AND NOT deleted ORDER BY data->>'code', id`,
  )
  const grids = rows.map((r) => r.data)
  const byId = new Map(grids.map((g) => [g.id, g]))
  const children = new Map<string, string[]>()
  for (const g of grids) {
    if (!g.parentId) continue
    const list = children.get(g.parentId)
    if (list) list.push(g.id)
    else children.set(g.parentId, [g.id])
  }
  const subtree = (id: string): string[] => {
    const out: string[] = []
    const stack = [id]
    while (stack.length) {
      const g = stack.pop()!
      out.push(g)
      stack.push(...(children.get(g) ?? []))
    }
    return out
  }
  const topGridOf = (id: string | null): string | null => {
    let g = id ? byId.get(id) : undefined
    while (g && g.level === 'micro' && g.parentId) g = byId.get(g.parentId)
    return g ? g.id : null
  }
  const visible = scope.all ? grids : grids.filter((g) => scope.gridIds.has(g.id))
  return { grids, byId, subtree, topGridOf, visible, scopeIds: scope.all ? null : [...scope.gridIds] }
}

/** The subtree of a grid the caller names, after checking it is theirs (404 unknown, 403 not theirs). */
export function chosenGrids(index: GridIndex, scope: Scope, gridId: string | undefined): string[] | null {
  if (!gridId) return index.scopeIds
  if (!index.byId.has(gridId)) throw notFound('找不到这个网格')
  if (!scope.all && !scope.gridIds.has(gridId)) throw forbidden('这个网格不在您的管辖范围内')
  return index.subtree(gridId)
}

export async function loadWorkers(db: Queryable, index: GridIndex): Promise<WorkerInfo[]> {
  const { rows } = await db.query<{ id: string; name: string; grid_ids: string[] }>(
    `SELECT id::text AS id, data->>'name' AS name, ARRAY(SELECT jsonb_array_elements_text(data->'gridIds')) AS grid_ids
       FROM records WHERE entity = 'users' AND NOT deleted AND data->>'role' = 'worker'
      ORDER BY data->>'name'`,
  )
  const visible = new Set(index.visible.map((g) => g.id))
  return rows
    .filter((r) => index.scopeIds === null || r.grid_ids.some((g) => visible.has(g)))
    .map((r) => ({ id: r.id, name: r.name, gridIds: r.grid_ids }))
}
