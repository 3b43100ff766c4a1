/**
 * 专项排查 storage: campaigns and their targets are synced records (`records`, entities
 * `campaigns` and `campaignTargets`, migration 044) written through putWholeRecords, so the change
 * feed carries them to the phones in scope (server/sync/scope.ts). Functions take a Queryable, so a caller's transaction holds a
 * change and its audit entry together.
 */
import type { Queryable } from '../db/adapter'
import type { Campaign, CampaignTarget, TargetState } from '../../src/domain/campaigns'
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

/**
 * Each target of a campaign with its state, in SQL: the rule of src/domain/campaigns targetState
 * (done once an answer met it; otherwise the latest answer's outcome by HLC — 拒访 or 不在家; no
 * answer: 未走访). `$1` is the campaign id (lower case); `where` narrows the targets (e.g. by grid).
 * The HLC order is bytewise (COLLATE "C"), as the phone and the domain compare stamps; of two
 * answers with the very same stamp (never on one device) either may count as the latest.
 */
function targetStatesSql(where = ''): string {
  // Per target answered: met at all, and the latest stamps of 拒访 and of the other outcomes
  // (不在家) — plain aggregates, so no answer is sorted (a sort carried whole visits to disk).
  return `
    WITH t AS (
      SELECT id, grid_id, data FROM records
       WHERE entity = 'campaignTargets' AND data->>'campaignId' = $1 AND NOT deleted ${where}
    ), a AS (
      SELECT v.target_id,
             bool_or(v.outcome = 'met') AS met,
             max(v.hlc) FILTER (WHERE v.outcome = 'refused') AS refused_at,
             max(v.hlc) FILTER (WHERE v.outcome IS DISTINCT FROM 'refused') AS other_at
        FROM (SELECT data->>'campaignTargetId' AS target_id, data->>'outcome' AS outcome, hlc COLLATE "C" AS hlc
                FROM records
               WHERE entity = 'visits' AND NOT deleted AND data->>'campaignId' = $1 AND data->>'campaignTargetId' IS NOT NULL) v
       GROUP BY 1
    ), s AS (
      SELECT t.id, t.grid_id, t.data,
             CASE WHEN a.met THEN 'done'
                  WHEN a.target_id IS NULL THEN 'not_yet'
                  WHEN a.refused_at IS NOT NULL AND (a.other_at IS NULL OR a.refused_at > a.other_at) THEN 'refused'
                  ELSE 'not_home' END AS state
        FROM t LEFT JOIN a ON a.target_id = t.id::text
    )`
}

/** Per leaf grid of a campaign's targets: how many there are in each state (counted in SQL). */
export async function stateCountsByGrid(db: Queryable, campaignId: string): Promise<Map<string, Record<'total' | TargetState, number>>> {
  const { rows } = await db.query<{ grid_id: string; state: TargetState; n: number }>(
    `${targetStatesSql()} SELECT grid_id::text AS grid_id, state, count(*)::int AS n FROM s GROUP BY 1, 2`,
    [campaignId.toLowerCase()],
  )
  const out = new Map<string, Record<'total' | TargetState, number>>()
  for (const r of rows) {
    let c = out.get(r.grid_id)
    if (!c) out.set(r.grid_id, (c = { total: 0, done: 0, not_home: 0, refused: 0, not_yet: 0 }))
    c.total += r.n
    c[r.state] += r.n
  }
  return out
}

/**
 * One page of a campaign's targets in walking order with their state, filtered by leaf grid and
 * state in SQL, and how many match in all.
 */
export async function targetPage(
  db: Queryable,
  campaignId: string,
  q: { gridId?: string; state?: TargetState; offset: number; limit: number },
): Promise<{ total: number; targets: Array<CampaignTarget & { state: TargetState }> }> {
  const params: unknown[] = [campaignId.toLowerCase()]
  let where = ''
  if (q.gridId) {
    params.push(q.gridId)
    where = `AND grid_id = $${params.length}::uuid`
  }
  const stateFilter = q.state ? `WHERE state = $${params.push(q.state)}` : ''
  const { rows } = await db.query<{ data: CampaignTarget; state: TargetState; total: number }>(
    `${targetStatesSql(where)}
     SELECT data, state, count(*) OVER ()::int AS total FROM s ${stateFilter}
      ORDER BY (data->>'seq')::int, id OFFSET $${params.push(q.offset)} LIMIT $${params.push(q.limit)}`,
    params,
  )
  let total = rows[0]?.total
  if (total === undefined) {
    // A page past the end: still say how many there are.
    const counted = await db.query<{ n: number }>(`${targetStatesSql(where)} SELECT count(*)::int AS n FROM s ${stateFilter}`, params.slice(0, params.length - 2))
    total = counted.rows[0]?.n ?? 0
  }
  return { total, targets: rows.map((r) => ({ ...r.data, state: r.state })) }
}

/** Communities (their grid records of level community) by id, or all, by code. */
export async function communitiesOf(db: Queryable, ids: readonly string[] | 'all'): Promise<Array<{ id: string; name: string }>> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT id::text AS id, data->>'name' AS name FROM records
      WHERE entity = 'grids' AND NOT deleted AND data->>'level' = 'community' ${ids === 'all' ? '' : 'AND id = ANY($1::uuid[])'}
      ORDER BY data->>'code', id`,
    ids === 'all' ? [] : [ids],
  )
  return rows
}
