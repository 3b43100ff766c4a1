/**
 * Checklists as the console administers them: read the ones a caller may see, write a new one or
 * a new version in ONE transaction through the server's record path (putWholeRecords: records +
 * change feed, so phones receive it with their next pull) together with its audit entry.
 * The rules (validation, versions, who edits) are src/domain/checklists.
 */
import type { Database, Queryable } from '../db/adapter'
import { checklistVisible, type ChecklistActor } from '../../src/domain/checklists'
import type { Checklist } from '../../src/domain/entities'
import { formatHlc, parseHlc } from '../../src/domain/hlc'
import { putWholeRecords } from '../records'
import { audit } from '../repositories/audit'

export interface Community {
  id: string
  name: string
}

/** The communities (community-level grids) the actor administers: all for an admin. */
export async function communitiesOf(db: Queryable, actor: ChecklistActor): Promise<Community[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT id::text AS id, data->>'name' AS name FROM records
      WHERE entity = 'grids' AND NOT deleted AND data->>'level' = 'community' ORDER BY data->>'code', id`,
  )
  return rows.filter((r) => actor.all || actor.communityIds.has(r.id.toLowerCase()))
}

/** Checklists the actor sees (the shared set and their communities'), or of one community. */
export async function listChecklists(db: Queryable, actor: ChecklistActor, communityId?: string): Promise<Checklist[]> {
  const { rows } = await db.query<{ data: Checklist }>(
    `SELECT data FROM records WHERE entity = 'checklists' AND NOT deleted ORDER BY data->>'kind', data->>'name', id`,
  )
  return rows
    .map((r) => r.data)
    .filter((c) => checklistVisible(actor, c.communityId))
    .filter((c) => communityId === undefined || !c.communityId || c.communityId.toLowerCase() === communityId.toLowerCase())
}

export async function getChecklist(db: Queryable, id: string): Promise<Checklist | null> {
  const { rows } = await db.query<{ data: Checklist }>(
    `SELECT data FROM records WHERE entity = 'checklists' AND id = $1::uuid AND NOT deleted`,
    [id],
  )
  return rows[0]?.data ?? null
}

/** A server stamp after `previous`: phones merge checklists field by field, the newer stamp wins. */
export function nextServerHlc(now: number, previous?: string): string {
  const before = previous ? parseHlc(previous).wall : 0
  return formatHlc({ wall: Math.max(now, before + 1), counter: 0, node: 'server' })
}

export type ChecklistChange = 'checklist_create' | 'checklist_publish'

/**
 * Stores the checklist and its audit entry in one transaction. The detail is ready to be read
 * as words: names and counts, with a Chinese sentence (`summary`), never only ids.
 */
export async function saveChecklist(
  db: Database,
  opts: { checklist: Checklist; previous: Checklist | null; userId: string; communityName: string | null },
): Promise<void> {
  const { checklist: c, previous } = opts
  const labels = (list: Checklist | null) => new Map((list?.items ?? []).map((i) => [i.id, i.label]))
  const before = labels(previous)
  const after = labels(c)
  const added = [...after].filter(([id]) => !before.has(id)).map(([, l]) => l)
  const removed = [...before].filter(([id]) => !after.has(id)).map(([, l]) => l)
  const changed = [...after].filter(([id, l]) => before.has(id) && before.get(id) !== l).map(([, l]) => l)
  const kindZh = c.kind === 'patrol' ? '巡查' : '走访'
  const where = opts.communityName ?? '通用'
  const summary = previous
    ? `发布${where}${kindZh}检查表“${c.name}”第 ${c.version} 版（${c.items.length} 项；新增 ${added.length}，删除 ${removed.length}，改动 ${changed.length}）`
    : `新建${where}${kindZh}检查表“${c.name}”（${c.items.length} 项）`
  const action: ChecklistChange = previous ? 'checklist_publish' : 'checklist_create'
  await db.transaction(async (tx) => {
    await putWholeRecords(tx, 'checklists', [c])
    await audit(tx, opts.userId, action, {
      summary, checklistId: c.id, name: c.name, kind: c.kind, communityId: c.communityId ?? null, communityName: opts.communityName,
      version: c.version, itemCount: c.items.length, added, removed, changed,
    })
  })
}
