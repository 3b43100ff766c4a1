/**
 * `GET /api/sync/pull?cursor=C&limit=N` (DESIGN §4 "Pull"); the feed itself is readChanges.
 *
 * The cursor carries the fingerprint of the scope it was made under. Each scope a pull runs under
 * is remembered (pull_scopes, once per fingerprint), so when a cursor comes back under another
 * scope — the user's grids were reassigned — the pull starts the feed over for the new scope
 * (records of the new grids that changed long ago must reach the phone) and puts in front of it
 * the removals of what the old scope covered and the new one does not (readRemovals). A cursor
 * of an unknown or another user's scope just starts over.
 *
 * A scope that only grew by grids with nothing at or before the cursor — a grid or micro-grid just
 * created in the user's community — needs neither: everything of those grids is still ahead of
 * the cursor, so the feed simply goes on under the new scope (no download of everything again
 * each time a supervisor adds a micro-grid).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { apiErrorSchema, PULL_DEFAULT_LIMIT, pullQuerySchema, pullResponseSchema, type PullResponse } from '../../src/domain/sync'
import type { Role } from '../../src/domain/entities'
import type { Database } from '../db/adapter'
import { decodeCursor, START, type Cursor } from './cursor'
import { readChanges, readRemovals } from './readChanges'
import { cursorExpired, EXIT_RETENTION_DAYS, pruneExits, readFeedState } from './feedState'
import { ALL_FINGERPRINT, loadScope, type Scope, type ScopeKeys } from './scope'

const pullRoute: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const remembered = new Set<string>()
  // Exits are kept EXIT_RETENTION_DAYS for phones that have not pulled since (feedState.ts).
  const prune = () => pruneExits(app.db, new Date(Date.now() - EXIT_RETENTION_DAYS * 86_400_000)).catch((err) => app.log.warn({ err }, 'pruning record_exits failed'))
  const pruning = setInterval(prune, 3_600_000)
  pruning.unref()
  app.addHook('onClose', async () => clearInterval(pruning))
  // The page arrives as JSON text already (readChanges builds it for speed), which Fastify sends as
  // it is: the 200 schema documents the answer, tests check pages against it.
  const schema = { querystring: pullQuerySchema, response: { 200: pullResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema } }
  app.get('/sync/pull', { onRequest: app.authenticate, schema }, async (request, reply) => {
    const auth = request.auth!
    const query = request.query
    const scope = await loadScope(app.db, auth)
    if (!remembered.has(scope.fingerprint)) {
      await rememberScope(app.db, scope)
      remembered.add(scope.fingerprint)
    }
    let cursor = query.cursor ? decodeCursor(query.cursor) : null
    // A cursor of another epoch (a restored backup) or before the pruned horizon starts over.
    const reset = cursor !== null && cursorExpired(cursor, await readFeedState(app.db))
    if (reset) cursor = null
    const sameScope = cursor !== null && cursor.scope === scope.fingerprint
    let removals: string[] | undefined
    let goOn = sameScope
    if (cursor && !sameScope) {
      const old = await recallScope(app.db, cursor.scope, scope)
      if (old && (await onlyNewGrids(app.db, old, scope, cursor))) goOn = true
      else if (old) removals = await readRemovals(app.db, old, scope, cursor)
    }
    const from = goOn && cursor ? cursor : START
    // A download from the start (a new phone, a reset) says how much is coming, for its progress bar.
    const page = await readChanges(app.db, scope, from, query.limit ?? PULL_DEFAULT_LIMIT, undefined, {
      countRemaining: from === START,
      removals,
      reset,
    })
    // JSON text with a JSON content type skips the serializer: typed as the schema's answer it is.
    const json = page.json as unknown as PullResponse
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(json)
  })
}

/**
 * Did the scope only gain grids of which nothing lies at or before the cursor? Then no record the
 * new scope adds was passed over, and none the old one covered is lost.
 */
export async function onlyNewGrids(db: Database, old: ScopeKeys, now: Scope, cursor: Omit<Cursor, 'scope'>): Promise<boolean> {
  if (old.all || now.all || old.role !== now.role || old.userId !== now.userId) return false
  const oldGrids = new Set(old.gridIds)
  const oldCommunities = new Set(old.communityIds)
  if (oldCommunities.size !== now.communityIds.size || [...now.communityIds].some((c) => !oldCommunities.has(c))) return false
  if ([...oldGrids].some((g) => !now.gridIds.has(g))) return false
  const added = [...now.gridIds].filter((g) => !oldGrids.has(g))
  if (added.length === 0) return true
  const { rows } = await db.query<{ passed: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM records r
        WHERE (r.txid, r.seq) <= ($1::text::xid8, $2::bigint)
          AND (r.grid_id = ANY($3::uuid[]) OR (r.entity = 'users' AND coalesce(r.data->'gridIds' ?| $4::text[], false)))
     ) AS passed`,
    [cursor.txid, cursor.seq, added, added],
  )
  return !rows[0].passed
}

export async function rememberScope(db: Database, scope: Scope): Promise<void> {
  if (scope.all) return
  await db.query(
    `INSERT INTO pull_scopes (fingerprint, user_id, role, grid_ids, community_ids)
     VALUES ($1, $2::uuid, $3, $4::text[], $5::text[]) ON CONFLICT (fingerprint) DO NOTHING`,
    [scope.fingerprint, scope.userId, scope.role, [...scope.gridIds], [...scope.communityIds]],
  )
}

/**
 * The scope a cursor of this user was made under, or null when unknown. `all` was every
 * supervisor's before scopes had communities (and is an admin's): honoured for those roles only,
 * so a worker cannot ask which records exist outside their scope by sending it.
 */
export async function recallScope(db: Database, fingerprint: string, now: Pick<Scope, 'userId' | 'role'>): Promise<ScopeKeys | null> {
  const { userId } = now
  if (fingerprint === ALL_FINGERPRINT) return now.role === 'worker' ? null : { userId, role: 'admin', all: true, gridIds: [], communityIds: [] }
  const { rows } = await db.query<{ role: Role; grid_ids: string[]; community_ids: string[] }>(
    'SELECT role, grid_ids, community_ids FROM pull_scopes WHERE fingerprint = $1 AND user_id = $2::uuid',
    [fingerprint, userId],
  )
  const r = rows[0]
  return r ? { userId, role: r.role, all: false, gridIds: r.grid_ids, communityIds: r.community_ids } : null
}

export default pullRoute
