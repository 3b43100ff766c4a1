/**
 * 社区设置 as stored (`community_settings`, one row per community that changed its defaults):
 * the calendar every "day" of that community is counted in, and the phones' lock time. A
 * community without a row has the server's defaults (FULLGRID_TIME_ZONE, 5 minutes).
 *
 * Which zone an aggregate over several grids uses: the zone of their community when they all
 * belong to one (a supervisor's console always does); an admin looking across communities gets
 * the server's zone, the one calendar they share.
 */
import type { Queryable } from '../db/adapter'
import { DEFAULT_LOCK_MINUTES, type CommunitySettings } from '../../src/domain/communitySettings'

interface Row {
  community_id: string
  time_zone: string
  lock_minutes: number
}

export function defaultSettings(timeZone: string): CommunitySettings {
  return { timeZone, lockMinutes: DEFAULT_LOCK_MINUTES }
}

export async function loadCommunitySettings(db: Queryable, communityId: string, defaultZone: string): Promise<CommunitySettings> {
  const { rows } = await db.query<Row>('SELECT community_id::text, time_zone, lock_minutes FROM community_settings WHERE community_id = $1::uuid', [communityId])
  return rows[0] ? { timeZone: rows[0].time_zone, lockMinutes: rows[0].lock_minutes } : defaultSettings(defaultZone)
}

export async function saveCommunitySettings(tx: Queryable, communityId: string, s: CommunitySettings, userId: string): Promise<void> {
  await tx.query(
    `INSERT INTO community_settings (community_id, time_zone, lock_minutes, updated_at, updated_by)
     VALUES ($1::uuid, $2, $3, now(), $4::uuid)
     ON CONFLICT (community_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, lock_minutes = EXCLUDED.lock_minutes,
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [communityId, s.timeZone, s.lockMinutes, userId],
  )
}

/** The community of each grid id (community records name themselves). */
async function communitiesOf(db: Queryable, gridIds: readonly string[]): Promise<Set<string>> {
  if (!gridIds.length) return new Set()
  const { rows } = await db.query<{ c: string | null }>(
    `SELECT DISTINCT lower(data->>'communityId') AS c FROM records WHERE entity = 'grids' AND id = ANY($1::uuid[])`,
    [gridIds],
  )
  return new Set(rows.flatMap((r) => (r.c ? [r.c] : [])))
}

/**
 * The calendar of these grids: their community's zone when they all belong to one; otherwise
 * (an admin's view across communities, or nothing chosen) the server's.
 */
export async function zoneOfGrids(db: Queryable, gridIds: readonly string[] | null, defaultZone: string): Promise<string> {
  let communities: Set<string>
  if (gridIds === null) {
    const { rows } = await db.query<{ id: string }>(`SELECT id::text FROM records WHERE entity = 'grids' AND NOT deleted AND data->>'level' = 'community'`)
    communities = new Set(rows.map((r) => r.id))
  } else {
    communities = await communitiesOf(db, gridIds)
  }
  if (communities.size !== 1) return defaultZone
  return (await loadCommunitySettings(db, [...communities][0], defaultZone)).timeZone
}

/**
 * The community of a signed-in person (the first of their grids that names one), for /api/config:
 * a worker's phone counts its days in that community's zone.
 */
export async function communityOfUser(db: Queryable, gridIds: readonly string[]): Promise<{ id: string; name: string } | null> {
  if (!gridIds.length) return null
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT c.id::text, c.data->>'name' AS name
       FROM records g JOIN records c ON c.entity = 'grids' AND NOT c.deleted AND c.id::text = g.data->>'communityId'
      WHERE g.entity = 'grids' AND NOT g.deleted AND g.id = ANY($1::uuid[])
      ORDER BY c.data->>'name' LIMIT 1`,
    [gridIds],
  )
  return rows[0] ?? null
}
