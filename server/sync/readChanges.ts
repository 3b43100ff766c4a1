/**
 * One page of the change feed for one user (DESIGN §4 "Pull"), built as JSON text by the
 * database in one statement:
 *
 *  1. Walk `records` in commit order (txid, seq) from the cursor, on the (txid, seq) index
 *     (sorting is switched off for the statement: without fresh statistics — PGlite has no
 *     autovacuum — the planner may otherwise sort the whole rest of the feed to hand out a page).
 *  2. Hand out only rows whose transaction id is below the oldest transaction still running
 *     (pg_snapshot_xmin of this very statement's snapshot): every such transaction has finished,
 *     so no change can later commit at a position before the cursor we return — also when other
 *     server processes are writing at this moment. Rows of transactions still running come in a
 *     later pull.
 *  3. Keep only what the user may see (scope.ts, the same rule in SQL): supervisors everything;
 *     a worker the grid map and forms, records they own, records of their grids, events of the
 *     issues of their grids, and the users records of themselves, their co-workers and
 *     supervisors. Patrols and track segments: their owner only.
 *  4. Take rows while both budgets hold — at most `limit` changes and ~PULL_MAX_BYTES of JSON
 *     (a running sum over the page; the first row always goes, however large) — and splice each
 *     row's stored JSON text into one string (`string_agg`), so neither the database driver nor
 *     Node parses or re-serialises a record. One row past the limit is read to know `hasMore`.
 */
import type { Database } from '../db/adapter'
import type { Scope } from './scope'
import { encodeCursor, type Cursor } from './cursor'

export const PULL_MAX_BYTES = 4 * 1024 * 1024
/** JSON around each record's data: entity, id, hlc, deleted and punctuation. */
const WRAPPER_BYTES = 130

const FEED = `(r.txid, r.seq) > ($1::text::xid8, $2::bigint) AND r.txid < pg_snapshot_xmin(pg_current_snapshot())`

/** The worker's visibility rule, with the parameter numbers of their user id and grid ids. */
const workerVisible = (user: string, grids: string) => `
    AND ( r.owner_id = ${user}::uuid
       OR r.entity IN ('grids', 'checklists')
       OR (r.entity IN ('buildings', 'households', 'visits', 'issues', 'issueEvents') AND r.grid_id = ANY(${grids}::uuid[]))
       OR (r.entity = 'issueEvents' AND r.grid_id IS NULL AND EXISTS (
             SELECT 1 FROM records i
              WHERE i.entity = 'issues' AND i.id = (r.data->>'issueId')::uuid
                AND (i.grid_id = ANY(${grids}::uuid[]) OR i.owner_id = ${user}::uuid)))
       OR (r.entity = 'users' AND (r.data->>'role' <> 'worker' OR r.data->'gridIds' ?| ${grids}::text[])) )`

/** $1 txid, $2 seq, $3 limit, $4 max bytes; workers also $5 user id, $6 grid ids */
const pageSql = (visible: string) => `
  WITH feed AS (
    SELECT r.entity, r.id, r.hlc, r.deleted, r.data::text AS d, r.txid, r.seq
      FROM records r
     WHERE ${FEED} ${visible}
     ORDER BY r.txid, r.seq
     LIMIT $3::int + 1
  ), sized AS (
    SELECT feed.*,
           row_number() OVER w AS n,
           sum(octet_length(d) + ${WRAPPER_BYTES}) OVER w AS bytes
      FROM feed
    WINDOW w AS (ORDER BY txid, seq ROWS UNBOUNDED PRECEDING)
  ), page AS (
    SELECT *, n <= $3::int AND (n = 1 OR bytes <= $4::bigint) AS taken FROM sized
  )
  -- Every aggregate orders by (txid, seq), the order rows already arrive in, so none sorts.
  SELECT coalesce(max(n), 0)::int AS fetched,
         count(*) FILTER (WHERE taken)::int AS count,
         string_agg('{"entity":"' || entity || '","id":"' || id::text || '","hlc":"' || hlc || '","deleted":' || deleted::text || ',"data":' || d || '}', ','
                    ORDER BY txid, seq) FILTER (WHERE taken) AS changes,
         array_agg(txid::text ORDER BY txid, seq) FILTER (WHERE taken) AS txids,
         array_agg(seq ORDER BY txid, seq) FILTER (WHERE taken) AS seqs
    FROM page`

const SUPERVISOR_SQL = pageSql('')
const WORKER_SQL = pageSql(workerVisible('$5', '$6'))

/**
 * How many changes a first download will bring, for its progress bar: asked once, with the first
 * page (a count over the feed costs about as much as one page; every page would double the work).
 */
const countSql = (visible: string) => `
  SELECT count(*)::int AS n FROM records r WHERE r.txid < pg_snapshot_xmin(pg_current_snapshot()) ${visible}`
const SUPERVISOR_COUNT_SQL = countSql('')
const WORKER_COUNT_SQL = countSql(workerVisible('$1', '$2'))

interface PageRow {
  fetched: number
  count: number
  changes: string | null
  txids: string[] | null
  seqs: (number | string)[] | null
}

export interface PageText {
  /** The whole answer `{changes, cursor, hasMore}` as JSON text. */
  json: string
  count: number
  hasMore: boolean
  cursor: string
}

export async function readChanges(
  db: Database,
  scope: Scope,
  from: Omit<Cursor, 'scope'>,
  limit: number,
  maxBytes = PULL_MAX_BYTES,
  opts: { countRemaining?: boolean } = {},
): Promise<PageText> {
  const params: unknown[] = [from.txid, from.seq, limit, maxBytes]
  if (!scope.all) params.push(scope.userId, [...scope.gridIds])
  const { rows, total } = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_sort = off')
    const page = await tx.query<PageRow>(scope.all ? SUPERVISOR_SQL : WORKER_SQL, params)
    if (!opts.countRemaining) return { rows: page.rows, total: null }
    const counted = scope.all
      ? await tx.query<{ n: number }>(SUPERVISOR_COUNT_SQL)
      : await tx.query<{ n: number }>(WORKER_COUNT_SQL, [scope.userId, [...scope.gridIds]])
    return { rows: page.rows, total: counted.rows[0].n }
  })
  const page = rows[0]
  const last = page.count > 0 ? { txid: String(page.txids![page.count - 1]), seq: Number(page.seqs![page.count - 1]) } : from
  const hasMore = page.fetched > page.count
  const cursor = encodeCursor({ ...last, scope: scope.fingerprint })
  return {
    // `remaining` (an estimate: changes still to come after this page) only when counted.
    json: `{"changes":[${page.changes ?? ''}],"cursor":"${cursor}","hasMore":${hasMore}${
      total === null ? '' : `,"remaining":${Math.max(0, total - page.count)}`
    }}`,
    count: page.count,
    hasMore,
    cursor,
  }
}
