/**
 * Grids a person no longer works (交接, or taken off their grids in 人员), and what their phone may
 * still send for them (DESIGN §8.8: edits made before the move still apply or are refused
 * visibly). The rule, judged per mutation by its HLC stamp (judgeMutation):
 *
 *  - A stamp is bound to the pushing device (its device part) and at most MAX_FUTURE_DRIFT_MS
 *    ahead of the server (§4). A mutation stamped no later than the exit + that same bound was
 *    made while the grid was theirs: it is judged with the grid still in their scope — a visit
 *    (immutable record of a door knocked on) is accepted, a household edit applies by field LWW
 *    against whatever the new worker wrote since. The bound is given to the worker because a phone
 *    that correctly follows §4 may stamp up to that far ahead of the server, and refusing a real
 *    visit loses it, while a change a few minutes late only competes by LWW.
 *  - A later stamp is refused `handed_over` (网格“东区网格”已交接给 王芳 …) or `grid_removed`
 *    (taken off in 人员), and waits in 需处理 with that reason.
 *
 * The grid tree is read as it is now: the micro-grids of a grid left count as left with it. The
 * latest exit of each grid counts (a grid given back and taken again: the last exit).
 */
import { MAX_FUTURE_DRIFT_MS } from '../../src/domain/hlc'
import type { Queryable } from '../db/adapter'
import { latestGridExits } from '../repositories/gridExits'
import type { LeftGrid, Scope } from './scope'

export const EXIT_GRACE_MS = MAX_FUTURE_DRIFT_MS

/** The scope with `left`: every grid the user left (and its micro-grids) that is not theirs now. */
export async function withLeftGrids(db: Queryable, scope: Scope): Promise<Scope> {
  if (scope.all) return scope
  const exits = await latestGridExits(db, scope.userId)
  if (!exits.length) return scope
  const byRoot = new Map(exits.map((e) => [e.gridId, e]))
  const { rows } = await db.query<{ root: string; id: string; community: string | null }>(
    `WITH RECURSIVE g AS MATERIALIZED (
       SELECT id, data->>'parentId' AS parent, data->>'communityId' AS community
         FROM records WHERE entity = 'grids' AND NOT deleted
     ), edges AS (
       SELECT id, parent AS up FROM g WHERE parent IS NOT NULL
     ), tree(root, id) AS (
       SELECT r, r FROM unnest($1::uuid[]) AS r
       UNION
       SELECT t.root, e.id FROM edges e JOIN tree t ON e.up = t.id::text
     )
     SELECT t.root::text AS root, t.id::text AS id, g.community FROM tree t LEFT JOIN g ON g.id = t.id`,
    [[...byRoot.keys()]],
  )
  const left = new Map<string, LeftGrid>()
  for (const r of rows) {
    if (scope.gridIds.has(r.id)) continue
    const e = byRoot.get(r.root)
    if (!e) continue
    const known = left.get(r.id)
    if (known && known.at >= e.at) continue
    left.set(r.id, { at: e.at, gridId: e.gridId, gridName: e.gridName, toName: e.toName, communityId: r.community?.toLowerCase() ?? null })
  }
  return left.size ? { ...scope, left } : scope
}

/** The scope a mutation stamped at `wall` is judged by: with the grids that were still theirs then. */
export function scopeAt(scope: Scope, wall: number): Scope {
  if (!scope.left?.size) return scope
  let gridIds: Set<string> | null = null
  let communityIds: Set<string> | null = null
  for (const [id, l] of scope.left) {
    if (wall > l.at + EXIT_GRACE_MS) continue
    ;(gridIds ??= new Set(scope.gridIds)).add(id)
    if (l.communityId) (communityIds ??= new Set(scope.communityIds)).add(l.communityId)
  }
  return gridIds ? { ...scope, gridIds, communityIds: communityIds ?? scope.communityIds } : scope
}

/** The grid a refused change was about, when the user left it (after the mutation's time). */
export function leftGridOf(scope: Scope, gridId: string | null | undefined): LeftGrid | null {
  return (typeof gridId === 'string' && scope.left?.get(gridId.toLowerCase())) || null
}
