/**
 * Apply a push batch (DESIGN §4 "Push"). The algorithm:
 *
 *  1. Fast path, one transaction for the whole batch:
 *     a. read the batch's seen mutation ids, target rows and referenced rows (locked), and the
 *        stored events of the issues it touches (loadWorkingSet: three statements);
 *     b. judge every mutation in order in memory (judgeMutation), each applied one changing the
 *        working set so later mutations see it; a rejected one changes nothing;
 *     c. write the changed rows and the applied mutation ids (writeWorkingSet) and commit.
 *     A rejected mutation never reaches the database, so one bad mutation cannot block the others,
 *     and a mutation id is recorded in the same transaction as its change.
 *  2. If the database refuses the batch (another process created the same record or applied the
 *     same mutation id at the same moment, a deadlock, bad bytes such as \u0000 in a text), the
 *     batch transaction is rolled back whole and every mutation is applied again on its own, in
 *     its own transaction, in order. Conflicts with other processes are retried a few times;
 *     data the database cannot store rejects only that mutation.
 */
import type { Mutation, PushResult } from '../../src/domain/sync'
import type { Database } from '../db/adapter'
import { judgeMutation } from './judgeMutation'
import { loadWorkingSet } from './loadWorkingSet'
import type { Scope } from './scope'
import { writeWorkingSet } from './writeWorkingSet'

/** SQLSTATEs of a clash with another transaction: try again. */
const RETRYABLE = new Set(['40001', '40P01', '23505'])
const MAX_ATTEMPTS = 4

export interface PushContext {
  scope: Scope
  /** The device the session was issued to: stamps must be its own (judgeMutation step 2). */
  deviceId: string
  now?: () => number
}

export async function applyPush(db: Database, mutations: readonly Mutation[], ctx: PushContext): Promise<PushResult[]> {
  if (mutations.length === 0) return []
  try {
    return await applyTogether(db, mutations, ctx)
  } catch (err) {
    if (!sqlState(err)) throw err
  }
  const results: PushResult[] = []
  for (const m of mutations) results.push(await applyAlone(db, m, ctx))
  return results
}

async function applyTogether(db: Database, mutations: readonly Mutation[], ctx: PushContext): Promise<PushResult[]> {
  const now = (ctx.now ?? Date.now)()
  return db.transaction(async (tx) => {
    const ws = await loadWorkingSet(tx, mutations)
    const results = mutations.map((m) => judgeMutation(ws, ctx.scope, m, now, ctx.deviceId))
    await writeWorkingSet(tx, ws, { userId: ctx.scope.userId, deviceId: ctx.deviceId })
    return results
  })
}

async function applyAlone(db: Database, m: Mutation, ctx: PushContext): Promise<PushResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [result] = await applyTogether(db, [m], ctx)
      return result
    } catch (err) {
      const state = sqlState(err)
      if (state && RETRYABLE.has(state) && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20))
        continue
      }
      // Class 22 (data exception) and 23 (constraint): the mutation itself cannot be stored.
      if (state && (state.startsWith('22') || state.startsWith('23'))) {
        const detail = (err as Error).message
        return { mutationId: m.id, status: 'rejected', reason: `the database cannot store this change: ${detail}`, code: 'unstorable', params: { detail } }
      }
      throw err
    }
  }
}

/** The SQLSTATE of a database error (pg and PGlite both expose `code`), else null. */
function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null
}
