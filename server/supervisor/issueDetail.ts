/**
 * One issue for the console's detail view (GET /api/supervisor/issues/:id): the record, its row of
 * the board (status and 7135 deadline, superviseIssue), every event in server order, the names of
 * the people in it and its place in words.
 *
 * Scope: the same as the board's — an issue of a grid the supervisor may see (their community); any
 * other id, also a well-formed one of another community, is answered 404 as if it did not exist.
 * Place: the household's address; else the nearest building of the issue's grid within
 * PLACE_RADIUS_M of its position (翠湖花园 5号楼); else null (the map shows where).
 * Source: the visit (with its household's address) or patrol named by source/sourceId, so 来自
 * reads "入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日"; null when the record is not on the server.
 */
import type { Queryable } from '../db/adapter'
import type { Building, Issue, IssueEvent } from '../../src/domain/entities'
import { UUID_RE } from '../../src/domain/ids'
import { orderIssueEvents } from '../../src/domain/issueState'
import { distanceM } from '../../src/domain/track'
import type { ConsoleIssueDetail, IssueSourceRecord } from '../../src/domain/consoleIssue'
import { notFound } from '../errors'
import type { GridIndex } from './grids'
import { superviseIssue } from './issues'

export const PLACE_RADIUS_M = 60

const NOT_FOUND = '没有这条事件，或它不在你管辖的网格内'

export async function issueDetail(db: Queryable, index: GridIndex, id: string, now: number): Promise<ConsoleIssueDetail> {
  if (!UUID_RE.test(id)) throw notFound(NOT_FOUND, 'issue_not_found')
  const { rows } = await db.query<{ data: Issue }>(`SELECT data FROM records WHERE entity = 'issues' AND id = $1::uuid AND NOT deleted`, [id])
  const issue = rows[0]?.data
  if (!issue || (index.scopeIds !== null && !index.scopeIds.includes(issue.gridId))) throw notFound(NOT_FOUND, 'issue_not_found')

  const events = orderIssueEvents(
    (await db.query<{ data: IssueEvent }>(`SELECT data FROM records WHERE entity = 'issueEvents' AND data->>'issueId' = $1 AND NOT deleted`, [id])).rows.map((r) => r.data),
  )
  const people = new Set([issue.reportedBy, ...events.map((e) => e.actorId), ...events.flatMap((e) => (e.data.assigneeId ? [e.data.assigneeId] : []))])
  const names: Record<string, string> = {}
  const { rows: users } = await db.query<{ id: string; name: string }>(
    `SELECT id::text AS id, data->>'name' AS name FROM records WHERE entity = 'users' AND id = ANY($1::uuid[])`,
    [[...people]],
  )
  for (const u of users) names[u.id] = u.name

  return {
    issue, summary: superviseIssue(issue, events, now, index), events, names,
    place: await placeOf(db, index, issue), source: await sourceOf(db, issue),
  }
}

async function sourceOf(db: Queryable, issue: Issue): Promise<IssueSourceRecord | null> {
  const kind = issue.source
  if ((kind !== 'visit' && kind !== 'patrol') || !issue.sourceId || !UUID_RE.test(issue.sourceId)) return null
  const { rows } = await db.query<{ at: string | number; householdId: string | null; workerId: string | null; address: string | null }>(
    `SELECT s.data->>'startedAt' AS at, s.data->>'householdId' AS "householdId", s.data->>'workerId' AS "workerId", h.data->>'address' AS address
       FROM records s
       LEFT JOIN records h ON h.entity = 'households' AND s.entity = 'visits' AND h.id = (s.data->>'householdId')::uuid
      WHERE s.entity = $1 AND s.id = $2::uuid AND NOT s.deleted`,
    [kind === 'visit' ? 'visits' : 'patrols', issue.sourceId],
  )
  const r = rows[0]
  if (!r) return null
  return {
    kind, id: issue.sourceId, at: Number(r.at),
    householdId: kind === 'visit' ? r.householdId : null,
    address: kind === 'visit' ? (r.address ?? null) : null,
    workerId: r.workerId,
  }
}

async function placeOf(db: Queryable, index: GridIndex, issue: Issue): Promise<string | null> {
  if (issue.householdId) {
    const { rows } = await db.query<{ address: string | null }>(`SELECT data->>'address' AS address FROM records WHERE entity = 'households' AND id = $1::uuid`, [issue.householdId])
    if (rows[0]?.address) return rows[0].address
  }
  const at = issue.location
  if (!at) return null
  const grid = index.topGridOf(issue.gridId) ?? issue.gridId
  const { rows } = await db.query<{ data: Building }>(
    `SELECT data FROM records WHERE entity = 'buildings' AND NOT deleted AND data->>'gridId' = ANY($1::text[])`,
    [index.subtree(grid)],
  )
  let best: { b: Building; d: number } | null = null
  for (const { data: b } of rows) {
    const d = distanceM([at.lng, at.lat], b.location)
    if (d <= PLACE_RADIUS_M && (!best || d < best.d)) best = { b, d }
  }
  return best ? `${best.b.compound} ${best.b.name}` : null
}
