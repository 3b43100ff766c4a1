/**
 * 专项排查 storage: campaigns and their targets are synced records (`records`, entities
 * `campaigns` and `campaignTargets`, migration 044) written through putWholeRecords, so the change
 * feed carries them to the phones in scope (server/sync/scope.ts). Functions take a Queryable, so a caller's transaction holds a
 * change and its audit entry together.
 */
import type { Queryable } from '../db/adapter'
import type { Campaign, CampaignTarget } from '../../src/domain/campaigns'
import type { Building, Grid, Household, Visit } from '../../src/domain/entities'
import { putWholeRecords } from '../records'

export async function getCampaign(db: Queryable, id: string): Promise<Campaign | null> {
  const { rows } = await db.query<{ data: Campaign }>(`SELECT data FROM records WHERE entity = 'campaigns' AND id = $1::uuid`, [id])
  return rows[0]?.data ?? null
}

/** A campaign's grid_id is its community (server/records gridIdOf). */
export async function listCampaigns(db: Queryable, communityIds: readonly string[] | 'all'): Promise<Campaign[]> {
  const { rows } =
    communityIds === 'all'
      ? await db.query<{ data: Campaign }>(`SELECT data FROM records WHERE entity = 'campaigns' ORDER BY id DESC`)
      : await db.query<{ data: Campaign }>(`SELECT data FROM records WHERE entity = 'campaigns' AND grid_id = ANY($1::uuid[]) ORDER BY id DESC`, [communityIds])
  return rows.map((r) => r.data)
}

/** Through the server's record path: the change feed takes it to the phones (DESIGN §4). */
export async function saveCampaign(db: Queryable, c: Campaign): Promise<void> {
  await putWholeRecords(db, 'campaigns', [c])
}

/** Targets in walking order: `seq` is their place in `targets`. Batched inside putWholeRecords. */
export async function insertTargets(db: Queryable, targets: readonly CampaignTarget[]): Promise<void> {
  await putWholeRecords(db, 'campaignTargets', targets.map((t, i) => ({ ...t, seq: i })))
}

const BY_WALK = `ORDER BY (data->>'seq')::int, id`

/** A campaign's targets in walking order, optionally only those of some grids. */
export async function targetsOf(db: Queryable, campaignId: string, gridIds?: readonly string[]): Promise<CampaignTarget[]> {
  const base = `SELECT data FROM records WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 AND NOT deleted`
  const { rows } = gridIds
    ? await db.query<{ data: CampaignTarget }>(`${base} AND grid_id = ANY($2::uuid[]) ${BY_WALK}`, [campaignId.toLowerCase(), gridIds])
    : await db.query<{ data: CampaignTarget }>(`${base} ${BY_WALK}`, [campaignId.toLowerCase()])
  return rows.map((r) => r.data)
}

/** Just what progress needs of each target, without the labels. */
export async function targetKeysOf(db: Queryable, campaignId: string): Promise<Array<{ id: string; gridId: string; deleted: boolean }>> {
  const { rows } = await db.query<{ id: string; grid_id: string }>(
    `SELECT id::text AS id, grid_id::text AS grid_id FROM records WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 AND NOT deleted`,
    [campaignId.toLowerCase()],
  )
  return rows.map((r) => ({ id: r.id, gridId: r.grid_id, deleted: false }))
}

/** The answers (visits) of a campaign. */
export async function answersOf(db: Queryable, campaignId: string): Promise<Visit[]> {
  const { rows } = await db.query<{ data: Visit }>(
    `SELECT data FROM records WHERE entity = 'visits' AND NOT deleted AND data->>'campaignId' = $1`,
    [campaignId.toLowerCase()],
  )
  return rows.map((r) => r.data)
}

/**
 * For a list of campaigns: how many targets each has and how many of them are done (met at
 * least once — src/domain/campaigns targetState), counted in SQL so a list of campaigns never
 * loads their targets.
 */
export async function doneCounts(db: Queryable, campaignIds: readonly string[]): Promise<Map<string, { total: number; done: number }>> {
  if (!campaignIds.length) return new Map()
  const { rows } = await db.query<{ id: string; total: number; done: number }>(
    `SELECT c.id::text AS id,
            (SELECT count(*)::int FROM records t
              WHERE t.entity = 'campaignTargets' AND NOT t.deleted AND t.data->>'campaignId' = c.id::text) AS total,
            (SELECT count(DISTINCT r.data->>'campaignTargetId')::int FROM records r
              WHERE r.entity = 'visits' AND NOT r.deleted AND r.data->>'campaignId' = c.id::text AND r.data->>'outcome' = 'met') AS done
       FROM unnest($1::uuid[]) AS c(id)`,
    [campaignIds],
  )
  return new Map(rows.map((r) => [r.id, { total: r.total, done: r.done }]))
}

/** The answers (visits) of one target of a campaign, newest first (by HLC). */
export async function answersOfTarget(db: Queryable, campaignId: string, targetId: string): Promise<Visit[]> {
  const { rows } = await db.query<{ data: Visit }>(
    `SELECT data FROM records WHERE entity = 'visits' AND NOT deleted AND data->>'campaignId' = $1 AND data->>'campaignTargetId' = $2 ORDER BY hlc DESC`,
    [campaignId.toLowerCase(), targetId.toLowerCase()],
  )
  return rows.map((r) => r.data)
}

/** One target of a campaign (null when it is not one of that campaign's). */
export async function getTarget(db: Queryable, campaignId: string, targetId: string): Promise<CampaignTarget | null> {
  const { rows } = await db.query<{ data: CampaignTarget }>(
    `SELECT data FROM records WHERE entity = 'campaignTargets' AND id = $1::uuid AND data->>'campaignId' = $2 AND NOT deleted`,
    [targetId, campaignId.toLowerCase()],
  )
  return rows[0]?.data ?? null
}

/** The grids of a community (community node included). */
export async function gridsOfCommunity(db: Queryable, communityId: string): Promise<Grid[]> {
  const { rows } = await db.query<{ data: Grid }>(
    `SELECT data FROM records WHERE entity = 'grids' AND NOT deleted AND (data->>'communityId' = $1 OR id = $1::uuid)`,
    [communityId.toLowerCase()],
  )
  return rows.map((r) => r.data)
}

export async function householdsAndBuildingsIn(db: Queryable, gridIds: readonly string[]): Promise<{ households: Household[]; buildings: Building[] }> {
  const { rows } = await db.query<{ entity: string; data: Household | Building }>(
    `SELECT entity, data FROM records WHERE entity IN ('households', 'buildings') AND NOT deleted AND grid_id = ANY($1::uuid[])`,
    [gridIds],
  )
  const households: Household[] = []
  const buildings: Building[] = []
  for (const r of rows) (r.entity === 'households' ? households : buildings).push(r.data as never)
  return { households, buildings }
}
