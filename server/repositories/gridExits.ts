/**
 * Grid exits (migration 042): a person stopped working a grid — handed over (交接, with who took
 * it) or taken off their grids in 人员 (nobody named). Written in the transaction that changes
 * their gridIds; read by push to judge what their phone still sends (server/sync/leftGrids.ts).
 * Takes the caller's transaction.
 */
import type { Queryable } from '../db/adapter'
import { uuidv7 } from '../../src/domain/ids'

export interface GridExit {
  gridId: string
  userId: string
  toUserId: string | null
  /** UTC ms, the server's clock at the change. */
  at: number
  byUserId: string
}

export async function recordGridExits(tx: Queryable, exits: readonly GridExit[]): Promise<void> {
  for (const e of exits) {
    await tx.query(
      `INSERT INTO grid_exits (id, grid_id, user_id, to_user_id, left_at, by_user_id)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, $6::uuid)`,
      [uuidv7(e.at), e.gridId, e.userId, e.toUserId, new Date(e.at).toISOString(), e.byUserId],
    )
  }
}

/** The grids `userId` left, the latest exit of each, with the names of the grid and its taker. */
export async function latestGridExits(db: Queryable, userId: string): Promise<{ gridId: string; at: number; gridName: string; toName: string | null }[]> {
  const { rows } = await db.query<{ grid_id: string; at: string | number; grid_name: string | null; to_name: string | null }>(
    `SELECT x.grid_id::text AS grid_id, max(extract(epoch FROM x.left_at) * 1000)::float8 AS at,
            min(g.data->>'name') AS grid_name,
            (array_agg(u.data->>'name' ORDER BY x.left_at DESC))[1] AS to_name
       FROM grid_exits x
       LEFT JOIN records g ON g.entity = 'grids' AND g.id = x.grid_id
       LEFT JOIN records u ON u.entity = 'users' AND u.id = x.to_user_id
      WHERE x.user_id = $1::uuid
      GROUP BY x.grid_id`,
    [userId],
  )
  return rows.map((r) => ({ gridId: r.grid_id, at: Math.round(Number(r.at)), gridName: r.grid_name ?? '', toName: r.to_name }))
}

/**
 * The community of the grid `userId` left last: a worker whose only grid was handed over still
 * belongs there (their supervisor lists them, gives them a grid again or switches them off).
 */
export async function communityLeftBy(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ c: string | null }>(
    `SELECT g.data->>'communityId' AS c FROM grid_exits x JOIN records g ON g.entity = 'grids' AND g.id = x.grid_id
      WHERE x.user_id = $1::uuid ORDER BY x.left_at DESC LIMIT 1`,
    [userId],
  )
  return rows[0]?.c ?? null
}

/** People without a grid now whose last grid left was in `communityId` (see communityLeftBy). */
export async function gridlessLeaversOf(db: Queryable, communityId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id::text AS id FROM records u
      WHERE u.entity = 'users' AND NOT u.deleted AND jsonb_array_length(coalesce(u.data->'gridIds', '[]'::jsonb)) = 0
        AND (SELECT g.data->>'communityId' FROM grid_exits x JOIN records g ON g.entity = 'grids' AND g.id = x.grid_id
              WHERE x.user_id = u.id ORDER BY x.left_at DESC LIMIT 1) = $1`,
    [communityId],
  )
  return rows.map((r) => r.id)
}
