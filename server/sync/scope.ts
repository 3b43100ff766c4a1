/**
 * Who may see and write what (DESIGN §4 "Scope and safety"):
 * - supervisor and admin: the whole community, i.e. every record;
 * - worker: the grids of their users record, every grid below them (micro-grids), and the
 *   records they own (wrote) wherever those are.
 * Patrols and their tracks are narrower: only their worker and supervisors see them (§8.5).
 */
import { createHash } from 'node:crypto'
import type { EntityName } from '../../src/domain/entities'
import type { Queryable } from '../db/adapter'
import type { AuthContext } from '../types'

export interface Scope {
  userId: string
  role: AuthContext['role']
  /** Supervisor or admin: no grid limits. */
  all: boolean
  /** The worker's grids and every grid below them. */
  gridIds: Set<string>
  /** Short digest of the scope: a pull cursor made under another scope starts over. */
  fingerprint: string
}

/** Where a stored record sits for scope checks. */
export interface ScopedRow {
  entity: EntityName
  gridId: string | null
  ownerId: string | null
}

/** Entities whose records only their owner and supervisors may see. */
export const OWNER_ONLY: ReadonlySet<EntityName> = new Set(['patrols', 'trackSegments'])
/** Entities every signed-in user may see (the grid map, the forms). */
export const COMMUNITY_WIDE: ReadonlySet<EntityName> = new Set(['grids', 'checklists'])

/**
 * The scope of a signed-in user. For a worker: their grids plus every descendant grid, found by
 * walking `parentId` down from them (one recursive query over the small grids table).
 */
export async function loadScope(db: Queryable, auth: Pick<AuthContext, 'userId' | 'role' | 'gridIds'>): Promise<Scope> {
  if (auth.role !== 'worker') {
    return { userId: auth.userId, role: auth.role, all: true, gridIds: new Set(), fingerprint: 'all' }
  }
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE tree(id) AS (
       SELECT id FROM records WHERE entity = 'grids' AND id = ANY($1::uuid[]) AND NOT deleted
       UNION
       SELECT r.id FROM records r JOIN tree t ON r.entity = 'grids' AND r.data->>'parentId' = t.id::text AND NOT r.deleted
     )
     SELECT id::text AS id FROM tree`,
    [auth.gridIds],
  )
  // Grids assigned but not (yet) synced as records still count: records may name them.
  const gridIds = new Set([...auth.gridIds, ...rows.map((r) => r.id)])
  const fingerprint = createHash('sha256')
    .update([...gridIds].sort().join(','))
    .digest('hex')
    .slice(0, 12)
  return { userId: auth.userId, role: auth.role, all: false, gridIds, fingerprint }
}

/** May the user see this stored record? (Pull applies the same rule in SQL, see readChanges.) */
export function canSee(scope: Scope, row: ScopedRow): boolean {
  if (scope.all || row.ownerId === scope.userId) return true
  if (OWNER_ONLY.has(row.entity)) return false
  if (COMMUNITY_WIDE.has(row.entity)) return true
  return row.gridId !== null && scope.gridIds.has(row.gridId)
}

/** Is this grid one the user works in? */
export function inGrid(scope: Scope, gridId: string | null | undefined): boolean {
  return scope.all || (typeof gridId === 'string' && scope.gridIds.has(gridId))
}
