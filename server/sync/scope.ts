/**
 * Who may see and write what (DESIGN §4 "Scope and safety"). ONE rule, written twice beside each
 * other: `canSee` (push checks, devices, blobs) and `visibleSql` (pull, removals). Both read the
 * same scope keys of a stored row: its grid, its owner (who wrote it), an issue's current
 * assignee (kept by 004_scope.sql), a user's gridIds and a grid's community.
 *
 * - admin: everything.
 * - supervisor: the grid tree under their gridIds (for the demo: their community and every grid
 *   and micro-grid in it); every record of those grids, patrols and tracks included.
 * - worker: their grids and every grid below them; what they wrote; the issues assigned to them,
 *   whatever their grid. Patrols: those of their grids — 日日巡 is a duty of the grid, so a second
 *   worker of the grid must see that it was patrolled today, by whom, and what the checklist found
 *   (issue 17). Tracks (where a person walked, and when): only their own (§8.5).
 * - everyone (not admin): the grid map of their community (grids), the shared forms (checklists
 *   without a community) and their community's (src/domain/checklists checklistVisible), their
 *   own users record and those of the people of their grids and community (co-workers, supervisors).
 * - an issue's events are seen exactly when the issue is.
 * - 专项排查 (issue 21): a campaign target is seen by its grid like any record; a campaign, once
 *   published (never a draft), by everyone of its community — so a target that enters a worker's
 *   grids later (a micro-grid moved, a target moved) finds its campaign already on the phone, which
 *   lists only the campaigns with targets it holds. A closed campaign stays seen (phones show it closed).
 */
import { createHash } from 'node:crypto'
import { checklistVisible } from '../../src/domain/checklists'
import type { EntityName, Role } from '../../src/domain/entities'
import type { Queryable } from '../db/adapter'
import type { AuthContext } from '../types'

export interface Scope {
  userId: string
  role: Role
  /** Admin: no limits. */
  all: boolean
  /** The grids the user works in: their gridIds and every grid below them. */
  gridIds: Set<string>
  /** The communities of those grids: their grid map and their supervisors. */
  communityIds: Set<string>
  /** Issues currently assigned to the user (seen with all their events, whatever their grid). */
  assignedIssueIds: Set<string>
  /**
   * Short digest of the grid part of the scope: a pull cursor made under another one starts over
   * and removes what the old scope covered and the new does not (pull.ts). Assignments are not
   * part of it: they move through the change feed (record_exits).
   */
  fingerprint: string
  /**
   * Push only (server/sync/leftGrids.ts): grids the user left — handed over or taken off their
   * grids — that are not theirs now, by grid id, with when. Never part of what they pull.
   */
  left?: ReadonlyMap<string, LeftGrid>
}

/** A grid the user no longer works: since when, and who has it now (null: taken off in 人员). */
export interface LeftGrid {
  /** UTC ms of the exit (server clock). */
  at: number
  /** The grid the exit named (a micro-grid left with its grid names that grid). */
  gridId: string
  gridName: string
  toName: string | null
  communityId: string | null
}

/** Where a stored record sits for scope checks (a WorkingRow is one). */
export interface ScopedRow {
  entity: EntityName
  id?: string
  gridId: string | null
  ownerId: string | null
  data?: Record<string, unknown>
}

/** Entities whose records only their owner and supervisors may see. */
export const OWNER_ONLY: ReadonlySet<EntityName> = new Set(['trackSegments'])

export const ALL_FINGERPRINT = 'all'

/** What a stored scope (pull_scopes) or a live one needs to be judged again. */
export interface ScopeKeys {
  userId: string
  role: Role
  all: boolean
  gridIds: Iterable<string>
  communityIds: Iterable<string>
}

export function fingerprintOf(s: ScopeKeys): string {
  if (s.all) return ALL_FINGERPRINT
  return createHash('sha256')
    .update(`${s.userId}|${s.role}|${[...s.gridIds].sort().join(',')}|${[...s.communityIds].sort().join(',')}`)
    .digest('hex')
    .slice(0, 12)
}

/**
 * The scope of a signed-in user: their gridIds plus every grid below them (walking `parentId`
 * down, and `communityId` for a community's own id), the communities of those grids, and the
 * issues assigned to them. Grids assigned but not (yet) stored as records still count.
 */
export async function loadScope(db: Queryable, auth: Pick<AuthContext, 'userId' | 'role' | 'gridIds'>): Promise<Scope> {
  if (auth.role === 'admin') {
    return { userId: auth.userId, role: auth.role, all: true, gridIds: new Set(), communityIds: new Set(), assignedIssueIds: new Set(), fingerprint: ALL_FINGERPRINT }
  }
  const ids = auth.gridIds.filter(isUuid).map((g) => g.toLowerCase())
  const { rows } = await db.query<{ id: string; community: string | null; kind: string }>(
    // The grids are read once into `g` and walked by equality on one column: a join on
    // "parentId = t.id OR communityId = t.id" can only loop, and took ~0.3–0.6 s for the ~800 grids
    // of a street office on every request (push and pull both load the scope).
    `WITH RECURSIVE g AS MATERIALIZED (
       SELECT id, data->>'parentId' AS parent, data->>'communityId' AS community
         FROM records WHERE entity = 'grids' AND NOT deleted
     ), edges AS (
       SELECT id, parent AS up FROM g WHERE parent IS NOT NULL
       UNION ALL
       SELECT id, community FROM g WHERE community IS NOT NULL
     ), tree(id) AS (
       SELECT g FROM unnest($1::uuid[]) AS g
       UNION
       SELECT e.id FROM edges e JOIN tree t ON e.up = t.id::text
     )
     SELECT 'grid' AS kind, t.id::text AS id, g.community
       FROM tree t LEFT JOIN g ON g.id = t.id
     UNION ALL
     SELECT 'issue', r.id::text, NULL FROM records r WHERE r.entity = 'issues' AND r.assignee_id = $2::uuid`,
    [ids, auth.userId],
  )
  const gridIds = new Set<string>()
  const communityIds = new Set<string>()
  const assignedIssueIds = new Set<string>()
  for (const r of rows) {
    if (r.kind === 'issue') assignedIssueIds.add(r.id)
    else {
      gridIds.add(r.id)
      if (r.community) communityIds.add(r.community.toLowerCase())
    }
  }
  const keys = { userId: auth.userId, role: auth.role, all: false, gridIds, communityIds }
  return { ...keys, assignedIssueIds, fingerprint: fingerprintOf(keys) }
}

/** May the user see this stored record? (Pull applies the same rule in SQL: visibleSql.) */
export function canSee(scope: Scope, row: ScopedRow): boolean {
  if (scope.all) return true
  const own = row.ownerId === scope.userId
  switch (row.entity) {
    case 'checklists':
      return checklistVisible(scope, typeof row.data?.communityId === 'string' ? row.data.communityId : null)
    case 'grids':
      return inGrid(scope, row.gridId) || scope.communityIds.has(String(row.data?.communityId ?? '').toLowerCase())
    case 'users': {
      if (row.id === scope.userId || own) return true
      const theirs = Array.isArray(row.data?.gridIds) ? (row.data.gridIds as unknown[]) : []
      return theirs.some((g) => typeof g === 'string' && (scope.gridIds.has(g) || scope.communityIds.has(g)))
    }
    case 'campaigns':
      // A campaign's grid is its community (server/records gridIdOf); push never writes one
      // (server-made, judgeMutation SERVER_ONLY).
      return row.data?.status !== 'draft' && (inGrid(scope, row.gridId) || scope.communityIds.has(String(row.gridId ?? '').toLowerCase()))
    case 'trackSegments':
      return own || (scope.role !== 'worker' && inGrid(scope, row.gridId))
    case 'issues':
      return own || (row.id !== undefined && scope.assignedIssueIds.has(row.id.toLowerCase())) || inGrid(scope, row.gridId)
    case 'issueEvents': {
      // An event row carries its issue's grid (push and seed set it); its issue's reporter is not
      // known here, the author stands in for it (events are immutable, so this only answers retries).
      const issueId = typeof row.data?.issueId === 'string' ? row.data.issueId.toLowerCase() : ''
      return own || scope.assignedIssueIds.has(issueId) || inGrid(scope, row.gridId)
    }
    default:
      return own || inGrid(scope, row.gridId)
  }
}

/** Is this grid one the user works in? */
export function inGrid(scope: Scope, gridId: string | null | undefined): boolean {
  return scope.all || (typeof gridId === 'string' && scope.gridIds.has(gridId.toLowerCase()))
}

/** Parameter values for visibleSql, in the order of `ScopeParams` numbers. */
export function scopeParams(s: ScopeKeys): unknown[] {
  const gridIds = [...s.gridIds]
  return [s.userId, gridIds, [...gridIds, ...s.communityIds], [...s.communityIds], s.role !== 'worker']
}

/** Placeholders of the five scopeParams values, e.g. `{user: '$5', grids: '$6', …}`. */
export interface ScopeParams {
  user: string
  grids: string
  tags: string
  communities: string
  supervising: string
}

export function scopePlaceholders(first: number): ScopeParams {
  const p = (i: number) => `$${first + i}`
  return { user: p(0), grids: p(1), tags: p(2), communities: p(3), supervising: p(4) }
}

/**
 * The SQL form of canSee for a row alias `a` with columns entity, id, grid_id, owner_id,
 * assignee_id, and `keys`: the jsonb holding gridIds (users), communityId (grids, checklists) and issueId
 * (events) — `a.data` for a record, `a.keys` for a record_exits row. Null for an admin (no limit).
 */
export function visibleSql(a: string, keys: string, p: ScopeParams): string {
  const issueVisible = (i: string) => `(${i}.owner_id = ${p.user}::uuid OR ${i}.assignee_id = ${p.user}::uuid OR ${i}.grid_id = ANY(${p.grids}::uuid[]))`
  // coalesce: a comparison with a NULL key (owner_id of a seeded or imported record) is NULL, and
  // `NOT NULL` is NULL too — without it a removal of such a record never reached the phone.
  return `coalesce(CASE ${a}.entity
      WHEN 'checklists' THEN (${keys}->>'communityId') IS NULL OR (${keys}->>'communityId') = ANY(${p.communities}::text[])
      WHEN 'grids' THEN ${a}.grid_id = ANY(${p.grids}::uuid[]) OR (${keys}->>'communityId') = ANY(${p.communities}::text[])
      WHEN 'users' THEN ${a}.id = ${p.user}::uuid OR coalesce(${keys}->'gridIds' ?| ${p.tags}::text[], false)
      WHEN 'campaigns' THEN (${keys}->>'status') IS DISTINCT FROM 'draft'
             AND (${a}.grid_id = ANY(${p.grids}::uuid[]) OR ${a}.grid_id::text = ANY(${p.communities}::text[]))
      WHEN 'trackSegments' THEN ${a}.owner_id = ${p.user}::uuid OR (${p.supervising}::boolean AND ${a}.grid_id = ANY(${p.grids}::uuid[]))
      WHEN 'issues' THEN ${issueVisible(a)}
      WHEN 'issueEvents' THEN EXISTS (SELECT 1 FROM records vi
             WHERE vi.entity = 'issues' AND vi.id = (${keys}->>'issueId')::uuid AND ${issueVisible('vi')})
      ELSE ${a}.owner_id = ${p.user}::uuid OR ${a}.grid_id = ANY(${p.grids}::uuid[])
    END, false)`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
function isUuid(s: string): boolean {
  return UUID.test(s)
}
