/**
 * What a pull cursor can still be answered from (041_feed_horizon_epoch.sql):
 *
 * - **Horizon.** `record_exits` is pruned: an exit older than EXIT_RETENTION_DAYS is deleted and the
 *   horizon moves to the last position deleted. A cursor at or after the horizon still finds every
 *   exit after it (only exits at or before the horizon are gone). A cursor before it may have
 *   passed over a removal that is gone: its phone starts over (`reset: true`, pull.ts). A phone
 *   that pulls at least once within the retention never notices; one offline for longer downloads
 *   its grids again — visibly (the app shows a first download), keeping its outbox.
 *   The cursor at the very start is never expired: a phone that holds nothing needs no removals.
 * - **Epoch.** The history of this database: a restore gives it a new one (server/backup.ts), so
 *   a cursor from before the restore — maybe from a future the restore undid — starts over too.
 */
import type { Database, Queryable } from '../db/adapter'
import type { Cursor } from './cursor'

/** How long an exit is kept for phones that have not pulled since (a season of leave, a broken phone). */
export const EXIT_RETENTION_DAYS = 90

export interface FeedState {
  epoch: string
  horizon: { txid: string; seq: number }
}

export async function readFeedState(db: Queryable): Promise<FeedState> {
  const { rows } = await db.query<{ epoch: string; txid: string; seq: number | string }>(
    'SELECT epoch, horizon_txid::text AS txid, horizon_seq AS seq FROM feed_state WHERE id = 1',
  )
  return { epoch: rows[0].epoch, horizon: { txid: rows[0].txid, seq: Number(rows[0].seq) } }
}

/** Must a phone with this cursor start over? */
export function cursorExpired(cursor: Omit<Cursor, 'scope'>, state: FeedState): boolean {
  if (cursor.epoch && cursor.epoch !== state.epoch) return true
  if (cursor.txid === '0' && cursor.seq === 0) return false
  const [t, h] = [BigInt(cursor.txid), BigInt(state.horizon.txid)]
  return t < h || (t === h && cursor.seq < state.horizon.seq)
}

/**
 * Deletes the exits recorded before `olderThan` and moves the horizon past them, in one
 * transaction (a pull sees the old horizon with the old exits, or the new one without them).
 * Returns how many were deleted.
 */
export async function pruneExits(db: Database, olderThan: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM record_exits WHERE at < $1::timestamptz RETURNING txid, seq
       ), top AS (
         SELECT txid, seq FROM gone ORDER BY txid DESC, seq DESC LIMIT 1
       ), moved AS (
         UPDATE feed_state f SET horizon_txid = top.txid, horizon_seq = top.seq
           FROM top WHERE f.id = 1 AND (top.txid, top.seq) > (f.horizon_txid, f.horizon_seq)
       )
       SELECT count(*)::int AS n FROM gone`,
      [olderThan.toISOString()],
    )
    return rows[0].n
  })
}

/** Gives the feed a new epoch: every cursor handed out before starts over (after a restore). */
export async function newEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>(
    "UPDATE feed_state SET epoch = substr(md5(random()::text || clock_timestamp()::text), 1, 8) WHERE id = 1 RETURNING epoch",
  )
  return rows[0].epoch
}
