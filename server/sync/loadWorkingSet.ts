/**
 * Read everything a push batch needs in three statements, whatever its size:
 *  1. which of its mutation ids were applied before, and by whom for what (→ `duplicate`, or
 *     `rejected` when the id now carries something else);
 *  2. the stored rows it writes and the rows its new references point at (a visit's household,
 *     an event's issue …), locked FOR UPDATE in key order so two server processes merging the same
 *     record wait for each other instead of overwriting each other (and lock in the same order);
 *  3. the stored events of the issues it adds events to, in the order they were accepted, to judge
 *     each new event;
 *  4. which of the photos it names the server has (blobRefs).
 */
import type { Campaign } from '../../src/domain/campaigns'
import type { EntityName } from '../../src/domain/entities'
import type { IssueEventLike } from '../../src/domain/issueState'
import type { Mutation } from '../../src/domain/sync'
import type { Queryable } from '../db/adapter'
import { loadKnownBlobs } from './blobRefs'
import { REFERENCES, emptyWorkingSet, rowKey, type WorkingSet } from './workingSet'

interface RecordRow {
  entity: EntityName
  id: string
  data: Record<string, unknown>
  field_hlc: Record<string, string>
  grid_id: string | null
  owner_id: string | null
}

export async function loadWorkingSet(tx: Queryable, mutations: readonly Mutation[]): Promise<WorkingSet> {
  const ws = emptyWorkingSet()
  if (mutations.length === 0) return ws

  // 1. mutation ids seen before, with what they stood for
  const seen = await tx.query<{ id: string; user_id: string; entity: string; record_id: string; fields_hash: string | null }>(
    `SELECT id::text AS id, user_id::text AS user_id, entity, record_id::text AS record_id, fields_hash
       FROM mutations WHERE id = ANY($1::uuid[])`,
    [mutations.map((m) => m.id)],
  )
  for (const r of seen.rows) ws.seen.set(r.id, { userId: r.user_id, entity: r.entity, recordId: r.record_id, fieldsHash: r.fields_hash })

  // 2. target rows and referenced rows
  const keys = new Map<string, [string, string]>()
  for (const m of mutations) {
    keys.set(rowKey(m.entity, m.recordId), [m.entity, m.recordId])
    for (const ref of REFERENCES[m.entity] ?? []) {
      const target = m.fields[ref.field]
      if (typeof target === 'string' && isUuid(target)) keys.set(rowKey(ref.entity, target), [ref.entity, target])
    }
  }
  const entities = [...keys.values()].map((k) => k[0])
  const ids = [...keys.values()].map((k) => k[1])
  const { rows } = await tx.query<RecordRow>(
    `SELECT r.entity, r.id::text AS id, r.data, r.field_hlc, r.grid_id::text AS grid_id, r.owner_id::text AS owner_id
       FROM records r
       JOIN unnest($1::text[], $2::uuid[]) AS k(entity, id) ON r.entity = k.entity AND r.id = k.id
      ORDER BY r.entity, r.id
        FOR UPDATE OF r`,
    [entities, ids],
  )
  for (const r of rows) {
    ws.rows.set(rowKey(r.entity, r.id), {
      entity: r.entity,
      id: r.id,
      data: asObject(r.data),
      fieldHlc: asObject(r.field_hlc) as Record<string, string>,
      gridId: r.grid_id,
      ownerId: r.owner_id,
      stored: true,
      dirty: false,
    })
  }

  // 3. stored events of the issues this batch adds events to
  const issueIds = new Set<string>()
  for (const m of mutations) {
    if (m.entity !== 'issueEvents') continue
    const issueId = m.fields.issueId ?? ws.rows.get(rowKey('issueEvents', m.recordId))?.data.issueId
    if (typeof issueId === 'string' && isUuid(issueId)) issueIds.add(issueId)
  }
  if (issueIds.size) {
    // In the order the server accepted them (feed position: events are append-only, never
    // rewritten), with the names of their authors for rejection texts (已由 张伟 接单).
    const events = await tx.query<{ data: unknown; actor_name: string | null }>(
      `SELECT e.data, u.data->>'name' AS actor_name
         FROM records e
         LEFT JOIN records u ON u.entity = 'users' AND u.id = (e.data->>'actorId')::uuid
        WHERE e.entity = 'issueEvents' AND e.data->>'issueId' = ANY($1::text[])
        ORDER BY e.txid, e.seq`,
      [[...issueIds]],
    )
    for (const { data, actor_name } of events.rows) {
      const e = asObject(data) as unknown as IssueEventLike & { issueId: string }
      const list = ws.issueEvents.get(e.issueId) ?? []
      list.push(e)
      ws.issueEvents.set(e.issueId, list)
      if (actor_name) ws.userNames?.set(e.actorId, actor_name)
    }
  }

  // 4. 专项排查 the batch's visits answer (src/domain/campaigns judgeCampaignAnswer)
  const campaignIds = new Set<string>()
  const targetIds = new Set<string>()
  for (const m of mutations) {
    if (m.entity !== 'visits') continue
    if (typeof m.fields.campaignId === 'string' && isUuid(m.fields.campaignId)) campaignIds.add(m.fields.campaignId.toLowerCase())
    if (typeof m.fields.campaignTargetId === 'string' && isUuid(m.fields.campaignTargetId)) targetIds.add(m.fields.campaignTargetId.toLowerCase())
  }
  if (campaignIds.size) {
    const found = await tx.query<{ id: string; data: Campaign }>(`SELECT id::text AS id, data FROM records WHERE entity = 'campaigns' AND id = ANY($1::uuid[])`, [[...campaignIds]])
    ws.campaigns = new Map(found.rows.map((r) => [r.id, r.data]))
    const targets = await tx.query<{ id: string; campaign_id: string; grid_id: string }>(
      `SELECT id::text AS id, lower(data->>'campaignId') AS campaign_id, grid_id::text AS grid_id FROM records
        WHERE entity = 'campaignTargets' AND NOT deleted AND id = ANY($1::uuid[])`,
      [[...targetIds]],
    )
    ws.campaignTargets = new Map(targets.rows.map((r) => [r.id, { campaignId: r.campaign_id, gridId: r.grid_id }]))
  }

  // 5. photos the batch names
  ws.blobs = await loadKnownBlobs(tx, mutations)
  return ws
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
function isUuid(s: string): boolean {
  return UUID.test(s)
}

/** jsonb arrives parsed from both drivers; a string would mean a driver that does not parse. */
function asObject(v: unknown): Record<string, unknown> {
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>
}
