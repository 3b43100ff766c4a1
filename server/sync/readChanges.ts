/**
 * One page of the change feed for one user (DESIGN §4 "Pull"), built as JSON text by the
 * database in one statement:
 *
 *  1. Walk `records` and `record_exits` together in commit order (txid, seq) from the cursor, each
 *     on its (txid, seq) index (sorting is switched off for the statement: without fresh
 *     statistics — PGlite has no autovacuum — the planner may otherwise sort the whole rest of the
 *     feed to hand out a page). Both take their positions from one sequence.
 *  2. Hand out only rows whose transaction id is below the oldest transaction still running
 *     (pg_snapshot_xmin of this very statement's snapshot): every such transaction has finished,
 *     so no change can later commit at a position before the cursor we return — also when other
 *     server processes are writing at this moment. Rows of transactions still running come in a
 *     later pull.
 *  3. Keep only what the user may see (scope.ts: visibleSql, the rule push checks with canSee).
 *     A record row goes out whole. An exit row (the scope keys a record had before a change
 *     moved it: another grid, another assignee, a user's other grids — written by a trigger, see
 *     004_scope.sql) goes out as `{entity, id, removed: true}` when the user could see the old
 *     keys and cannot see the record as it is now; a removed issue takes its events with it.
 *     Deciding by the record as it is now means a record that moved away and back is not removed,
 *     and one that moved on is removed once: whatever the phone held under the old keys leaves it
 *     exactly when the record is no longer the user's.
 *  4. Take rows while both budgets hold — at most `limit` changes and ~PULL_MAX_BYTES of JSON
 *     (a running sum over the page; the first row always goes, however large) — and splice each
 *     row's stored JSON text into one string (`string_agg`), so neither the database driver nor
 *     Node parses or re-serialises a record. One row past the limit is read to know `hasMore`.
 *
 * Finding the rows (040_scope_feed.sql): a scope of a few grids — a worker's, a community
 * supervisor's — does not walk the whole feed. Per key the user has (their grids, communities, '*'
 * for the shared forms, 'users', and 'i:<id>' for every issue they see) one LATERAL index range
 * (scope_key, txid, seq) from the cursor, plus their own rows (owner_id, txid, seq) and the issues
 * assigned to them (assignee_id, txid, seq), each limited to `limit + 1` and merged in (txid, seq)
 * order: any row of the page's first `limit + 1` is among its own range's first `limit + 1`, so the
 * merge hands out exactly what the walk would. The keys are a superset of visibility and visibleSql
 * still decides, so the same rows go out as before; rows read grow with the user's grids. The
 * `pg_snapshot_xmin` guard (step 2) is in every range, taken from the one statement's snapshot.
 * A scope of more than KEYED_MAX_GRIDS grids (a street office's supervisor: nearly everything)
 * walks the feed as before — one range each would re-read every page's rows per page.
 *
 * When the user's own scope changed since the cursor (other grids, another role), pull.ts starts
 * the feed over for the new scope and puts `readRemovals` in front of the first page: everything
 * the old scope covered that the new does not (see there).
 */
import type { Database } from '../db/adapter'
import { scopeParams, scopePlaceholders, visibleSql, type Scope, type ScopeKeys } from './scope'
import { encodeCursor, type Cursor } from './cursor'

export const PULL_MAX_BYTES = 4 * 1024 * 1024

const FEED = (a: string) => `(${a}.txid, ${a}.seq) > ($1::text::xid8, $2::bigint) AND ${a}.txid < pg_snapshot_xmin(pg_current_snapshot())`

/**
 * One keyed range: `col = value` from the cursor on the index (col, txid, seq). The bound is one row
 * comparison that starts at `col`, so it is that index's range and nothing else's: written as
 * `(txid, seq) > …` the planner took the (txid, seq) index instead once statistics said little was
 * new, and read the whole feed since the cursor once per key (bench/feedRows.ts: 74,000 rows for 63).
 */
const KEYED_FEED = (a: string, col: string, value: string) =>
  `(${a}.${col}, ${a}.txid, ${a}.seq) > (${value}, $1::text::xid8, $2::bigint) AND ${a}.${col} = ${value} AND ${a}.txid < pg_snapshot_xmin(pg_current_snapshot())`

const RECORD_JSON = `'{"entity":"' || r.entity || '","id":"' || r.id::text || '","hlc":"' || r.hlc || '","deleted":' || r.deleted::text || ',"data":' || r.data::text || '}'`
const removedJson = (entity: string, id: string) => `'{"entity":"' || ${entity} || '","id":"' || ${id}::text || '","removed":true}'`

/** $1 txid, $2 seq, $3 limit, $4 max bytes; non-admins also $5… the scope (scopePlaceholders(5)). */
const pageSql = (admin: boolean) => {
  const p = scopePlaceholders(5)
  const records = `
    SELECT r.txid, r.seq, ${RECORD_JSON} AS j
      FROM records r
     WHERE ${FEED('r')} ${admin ? '' : `AND ${visibleSql('r', 'r.data', p)}`}
     ORDER BY r.txid, r.seq
     LIMIT $3::int + 1`
  // An admin sees everything: nothing ever leaves their scope.
  const exits = `
    SELECT e.txid, e.seq,
           ${removedJson('e.entity', 'e.id')} || CASE WHEN e.entity = 'issues' THEN coalesce((
             SELECT string_agg(',' || ${removedJson("'issueEvents'", 'ev.id')}, '' ORDER BY ev.txid, ev.seq)
               FROM records ev WHERE ev.entity = 'issueEvents' AND ev.data->>'issueId' = e.id::text), '') ELSE '' END AS j
      FROM record_exits e
      LEFT JOIN records cur ON cur.entity = e.entity AND cur.id = e.id
     WHERE ${FEED('e')} AND ${visibleSql('e', 'e.keys', p)}
       AND (cur.id IS NULL OR NOT ${visibleSql('cur', 'cur.data', p)})
     ORDER BY e.txid, e.seq
     LIMIT $3::int + 1`
  const feed = admin ? records : `SELECT * FROM ((${records}) UNION ALL (${exits})) u ORDER BY txid, seq LIMIT $3::int + 1`
  return `
  WITH feed AS (${feed}
  ), sized AS (
    SELECT feed.*,
           row_number() OVER w AS n,
           sum(octet_length(j)) OVER w AS bytes
      FROM feed
    WINDOW w AS (ORDER BY txid, seq ROWS UNBOUNDED PRECEDING)
  ), page AS (
    SELECT *, n <= $3::int AND (n = 1 OR bytes <= $4::bigint) AS taken FROM sized
  )
  -- Every aggregate orders by (txid, seq), the order rows already arrive in, so none sorts.
  SELECT coalesce(max(n), 0)::int AS fetched,
         count(*) FILTER (WHERE taken)::int AS count,
         string_agg(j, ',' ORDER BY txid, seq) FILTER (WHERE taken) AS changes,
         array_agg(txid::text ORDER BY txid, seq) FILTER (WHERE taken) AS txids,
         array_agg(seq ORDER BY txid, seq) FILTER (WHERE taken) AS seqs,
         (SELECT epoch FROM feed_state) AS epoch,
         (SELECT ARRAY[horizon_txid::text, horizon_seq::text] FROM feed_state
           WHERE horizon_txid < pg_snapshot_xmin(pg_current_snapshot())) AS horizon
    FROM page`
}

/**
 * The keyed page (see the header): $1 txid, $2 seq, $3 limit, $4 max bytes, $5… the scope
 * (scopePlaceholders(5)), $10 the scope keys (scopeKeysOf).
 */
const keyedPageSql = () => {
  const p = scopePlaceholders(5)
  const keys = '$10::text[]'
  const fresh = (a: string) => `NOT EXISTS (SELECT 1 FROM ks WHERE ks.k = ${a}.scope_key)`
  const recordRange = (col: string, value: string, where = 'true') => `
      SELECT r.txid, r.seq, ${RECORD_JSON} AS j FROM records r
       WHERE ${KEYED_FEED('r', col, value)} AND ${where} AND ${visibleSql('r', 'r.data', p)}
       ORDER BY r.txid, r.seq LIMIT $3::int + 1`
  const exitRange = (col: string, value: string, where = 'true') => `
      SELECT e.txid, e.seq, e.entity, e.id FROM record_exits e
        LEFT JOIN records cur ON cur.entity = e.entity AND cur.id = e.id
       WHERE ${KEYED_FEED('e', col, value)} AND ${where} AND ${visibleSql('e', 'e.keys', p)}
         AND (cur.id IS NULL OR NOT ${visibleSql('cur', 'cur.data', p)})
       ORDER BY e.txid, e.seq LIMIT $3::int + 1`
  const notMine = (a: string) => `${a}.owner_id IS DISTINCT FROM ${p.user}::uuid`
  return `
  WITH ks AS MATERIALIZED (
    SELECT unnest(${keys}) AS k
    UNION
    -- A grid of the user's is seen by its grid id, keyed by its community: the communities of their
    -- grids as stored now (scope.ts derives them from the same rows, but leaves out deleted grids).
    SELECT lower(g.data->>'communityId') FROM records g WHERE g.entity = 'grids' AND g.id = ANY(${p.grids}::uuid[])
    UNION
    SELECT 'i:' || i.id::text FROM records i
     WHERE i.entity = 'issues' AND (i.grid_id = ANY(${p.grids}::uuid[]) OR i.owner_id = ${p.user}::uuid OR i.assignee_id = ${p.user}::uuid)
  ), recs AS (
    SELECT f.* FROM ks CROSS JOIN LATERAL (${recordRange('scope_key', 'ks.k')}) f
    UNION ALL (${recordRange('owner_id', `${p.user}::uuid`, fresh('r'))})
    UNION ALL (${recordRange('assignee_id', `${p.user}::uuid`, `${notMine('r')} AND ${fresh('r')}`)})
  ), exits AS (
    SELECT f.* FROM ks CROSS JOIN LATERAL (${exitRange('scope_key', 'ks.k')}) f
    UNION ALL (${exitRange('owner_id', `${p.user}::uuid`, fresh('e'))})
    UNION ALL (${exitRange('assignee_id', `${p.user}::uuid`, `${notMine('e')} AND ${fresh('e')}`)})
  ), exitsJson AS (
    SELECT x.txid, x.seq,
           ${removedJson('x.entity', 'x.id')} || CASE WHEN x.entity = 'issues' THEN coalesce((
             SELECT string_agg(',' || ${removedJson("'issueEvents'", 'ev.id')}, '' ORDER BY ev.txid, ev.seq)
               FROM records ev WHERE ev.entity = 'issueEvents' AND ev.data->>'issueId' = x.id::text), '') ELSE '' END AS j
      FROM (SELECT * FROM exits ORDER BY txid, seq LIMIT $3::int + 1) x
  ), feed AS (
    SELECT * FROM (SELECT * FROM recs UNION ALL SELECT * FROM exitsJson) u ORDER BY txid, seq LIMIT $3::int + 1
  ), sized AS (
    SELECT feed.*,
           row_number() OVER w AS n,
           sum(octet_length(j)) OVER w AS bytes
      FROM feed
    WINDOW w AS (ORDER BY txid, seq ROWS UNBOUNDED PRECEDING)
  ), page AS (
    SELECT *, n <= $3::int AND (n = 1 OR bytes <= $4::bigint) AS taken FROM sized
  )
  SELECT coalesce(max(n), 0)::int AS fetched,
         count(*) FILTER (WHERE taken)::int AS count,
         string_agg(j, ',' ORDER BY txid, seq) FILTER (WHERE taken) AS changes,
         array_agg(txid::text ORDER BY txid, seq) FILTER (WHERE taken) AS txids,
         array_agg(seq ORDER BY txid, seq) FILTER (WHERE taken) AS seqs,
         (SELECT epoch FROM feed_state) AS epoch,
         (SELECT ARRAY[horizon_txid::text, horizon_seq::text] FROM feed_state
           WHERE horizon_txid < pg_snapshot_xmin(pg_current_snapshot())) AS horizon
    FROM page`
}

const ADMIN_SQL = pageSql(true)
const SCOPED_SQL = pageSql(false)
const KEYED_SQL = keyedPageSql()

/** Above this many grids a scope walks the feed (see the header). */
export const KEYED_MAX_GRIDS = 256

/** How a page finds its rows: by scope key (040_scope_feed.sql) or walking the whole feed. */
export type FeedLayout = 'keyed' | 'walk'

export function layoutFor(scope: Scope): FeedLayout {
  return !scope.all && scope.gridIds.size <= KEYED_MAX_GRIDS ? 'keyed' : 'walk'
}

/** The scope_key values a scope finds rows by (besides its issues' 'i:<id>', added in SQL). */
export function scopeKeysOf(scope: ScopeKeys): string[] {
  return [...scope.gridIds, ...scope.communityIds, '*', 'users']
}

/**
 * How many changes a first download will bring, for its progress bar: asked once, with the first
 * page (a count over the feed costs about as much as one page; every page would double the work).
 */
const countSql = (admin: boolean) => `
  SELECT count(*)::int AS n FROM records r WHERE r.txid < pg_snapshot_xmin(pg_current_snapshot())
  ${admin ? '' : `AND ${visibleSql('r', 'r.data', scopePlaceholders(1))}`}`
const ADMIN_COUNT_SQL = countSql(true)
const SCOPED_COUNT_SQL = countSql(false)

interface PageRow {
  fetched: number
  count: number
  changes: string | null
  txids: string[] | null
  seqs: (number | string)[] | null
  epoch: string | null
  horizon: [string, string] | null
}

export interface PageText {
  /** The whole answer `{changes, cursor, hasMore}` as JSON text. */
  json: string
  count: number
  hasMore: boolean
  cursor: string
}

/** The statement of one page and its parameters (also for the bench's EXPLAIN ANALYZE). */
export function pageQuery(scope: Scope, from: Omit<Cursor, 'scope'>, limit: number, maxBytes = PULL_MAX_BYTES, layout?: FeedLayout) {
  const l: FeedLayout = scope.all ? 'walk' : (layout ?? layoutFor(scope))
  const params: unknown[] = [from.txid, from.seq, limit, maxBytes]
  if (!scope.all) params.push(...scopeParams(scope))
  if (l === 'keyed') params.push(scopeKeysOf(scope))
  return { layout: l, sql: scope.all ? ADMIN_SQL : l === 'keyed' ? KEYED_SQL : SCOPED_SQL, params }
}

export async function readChanges(
  db: Database,
  scope: Scope,
  from: Omit<Cursor, 'scope'>,
  limit: number,
  maxBytes = PULL_MAX_BYTES,
  opts: { countRemaining?: boolean; removals?: string[]; layout?: FeedLayout; reset?: boolean } = {},
): Promise<PageText> {
  const q = pageQuery(scope, from, limit, maxBytes, opts.layout)
  const { rows, total } = await db.transaction(async (tx) => {
    // The walk must not sort the rest of the feed; the keyed page sorts only its few ranges' rows.
    if (q.layout === 'walk') await tx.query('SET LOCAL enable_sort = off')
    const page = await tx.query<PageRow>(q.sql, q.params)
    if (!opts.countRemaining) return { rows: page.rows, total: null }
    // A download that fits in one page (a worker's grids usually do): nothing remains, and the
    // count would walk the whole feed a second time — a third of a first sync's database time.
    if (page.rows[0].fetched <= page.rows[0].count) return { rows: page.rows, total: page.rows[0].count }
    const counted = scope.all
      ? await tx.query<{ n: number }>(ADMIN_COUNT_SQL)
      : await tx.query<{ n: number }>(SCOPED_COUNT_SQL, scopeParams(scope))
    return { rows: page.rows, total: counted.rows[0].n }
  })
  const page = rows[0]
  let last = page.count > 0 ? { txid: String(page.txids![page.count - 1]), seq: Number(page.seqs![page.count - 1]) } : from
  const hasMore = page.fetched > page.count
  // The last page lifts the cursor to the pruned horizon (feedState.ts) when it lies behind it: every
  // row before xmin the user may see was handed out, and the horizon (an exit from long ago) is
  // below xmin, so nothing the user may see lies between — without it, a phone whose grid has been
  // quiet since before the horizon would start over on every pull.
  if (!hasMore && page.horizon && before(last, { txid: page.horizon[0], seq: Number(page.horizon[1]) })) {
    last = { txid: page.horizon[0], seq: Number(page.horizon[1]) }
  }
  const cursor = encodeCursor({ txid: last.txid, seq: last.seq, scope: scope.fingerprint, epoch: page.epoch })
  const parts = [...(opts.removals ?? []), ...(page.changes ? [page.changes] : [])]
  return {
    // `remaining` (an estimate: changes still to come after this page) only when counted.
    json: `{"changes":[${parts.join(',')}],"cursor":"${cursor}","hasMore":${hasMore}${
      total === null ? '' : `,"remaining":${Math.max(0, total - page.count)}`
    }${opts.reset ? ',"reset":true' : ''}}`,
    count: page.count + (opts.removals?.length ?? 0),
    hasMore,
    cursor,
  }
}

/**
 * What leaves the phone when the user's own scope changed between their cursor and now (grids
 * reassigned, another role): the removals, as JSON texts, of
 *  a. every record as it is now that the old scope covers and the new one does not, and
 *  b. every record the old scope covered before a change after the cursor (record_exits) that the
 *     new scope does not cover as it is now — it may have moved on to a third place meanwhile;
 * with the events of every removed issue. Together these are all the phone can hold that is no
 * longer the user's: a record it holds was last handed out under the old scope, and either still
 * sits there (a) or moved after the cursor (b) — a move before the cursor was answered then.
 * Entities are compared as the old scope saw them, so an over-eager removal of something the
 * phone never had costs nothing.
 */
export async function readRemovals(db: Database, old: ScopeKeys, now: Scope, after: Omit<Cursor, 'scope'>): Promise<string[]> {
  if (now.all) return []
  // An unused parameter has no type PostgreSQL can infer: an old admin scope takes none.
  const o = scopePlaceholders(3)
  const n = scopePlaceholders(old.all ? 3 : 8)
  const oldVisible = (a: string, keys: string) => (old.all ? 'true' : visibleSql(a, keys, o))
  const params: unknown[] = [after.txid, after.seq, ...(old.all ? [] : scopeParams(old)), ...scopeParams(now)]
  const { rows } = await db.query<{ j: string }>(
    `WITH gone AS (
       SELECT r.entity, r.id FROM records r
        WHERE ${oldVisible('r', 'r.data')} AND NOT ${visibleSql('r', 'r.data', n)}
       UNION
       SELECT e.entity, e.id FROM record_exits e
         LEFT JOIN records cur ON cur.entity = e.entity AND cur.id = e.id
        WHERE (e.txid, e.seq) > ($1::text::xid8, $2::bigint) AND ${oldVisible('e', 'e.keys')}
          AND (cur.id IS NULL OR NOT ${visibleSql('cur', 'cur.data', n)})
     ), withEvents AS (
       SELECT entity, id FROM gone
       UNION
       SELECT 'issueEvents', ev.id FROM gone g
         JOIN records ev ON ev.entity = 'issueEvents' AND ev.data->>'issueId' = g.id::text
        WHERE g.entity = 'issues'
     )
     SELECT ${removedJson('entity', 'id')} AS j FROM withEvents`,
    params,
  )
  return rows.map((r) => r.j)
}

function before(a: Omit<Cursor, 'scope'>, b: Omit<Cursor, 'scope'>): boolean {
  const [x, y] = [BigInt(a.txid), BigInt(b.txid)]
  return x < y || (x === y && a.seq < b.seq)
}
