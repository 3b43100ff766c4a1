/**
 * Issue 20: the 待同步 count kept by the write path (src/db/pendingCount.ts) must equal the full
 * recount (pendingRecordCount: distinct waiting records, an issue and its events as one) after any
 * sequence of local writes, push answers (accepted, refused), retries and discards from 需处理.
 */
import 'fake-indexeddb/auto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId } from '@/db'
import { listOutbox, pendingRecordCount } from '@/db/outbox'
import { forgetPendingCount, keptPendingCount, readPendingCount } from '@/db/pendingCount'
import { discardRejected, listRejected, retryRejected } from '@/db/rejected'
import { settlePush } from '@/db/settlePush'
import { watchPendingRecords } from '@/db/watchers'
import { household, issue, issueEvent, T0 } from './sync-helpers'

type Op =
  | { kind: 'household' }
  | { kind: 'issue' }
  | { kind: 'event'; of: number }
  | { kind: 'update'; of: number }
  | { kind: 'push'; take: number; refuse: boolean[] }
  | { kind: 'retry'; of: number }
  | { kind: 'discard'; of: number }
  | { kind: 'forget' }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'household' as const }),
  fc.constant({ kind: 'issue' as const }),
  fc.record({ kind: fc.constant('event' as const), of: fc.nat(20) }),
  fc.record({ kind: fc.constant('update' as const), of: fc.nat(20) }),
  fc.record({ kind: fc.constant('push' as const), take: fc.integer({ min: 1, max: 6 }), refuse: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('retry' as const), of: fc.nat(20) }),
  fc.record({ kind: fc.constant('discard' as const), of: fc.nat(20) }),
  fc.constant({ kind: 'forget' as const }),
)

let names = 0
/** Shows the runs did reach events and merged counts (a property over no events would prove little). */
const stats = { events: 0, merged: 0 }

async function run(ops: Op[]): Promise<void> {
  const db = new FullGridDb(`pending-count-${names++}-${Math.random().toString(36).slice(2)}`)
  await ensureDeviceId(db, () => 'prop')
  const clock = { t: T0 }
  const now = () => (clock.t += 1000)
  const repo = new Repository(db, { now })
  const households: string[] = []
  const issues: string[] = []
  const pick = <T>(xs: T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined)
  try {
    for (const o of ops) {
      const hadRow = !!(await keptPendingCount(db))
      try {
        if (o.kind === 'household') households.push((await repo.create('households', household({ room: String(households.length) }))).id)
        else if (o.kind === 'issue') issues.push((await repo.create('issues', issue())).id)
        else if (o.kind === 'event') {
          const id = pick(issues, o.of)
          if (id) await repo.create('issueEvents', issueEvent(id, 'reported', clock.t))
        } else if (o.kind === 'update') {
          const id = pick(households, o.of)
          if (id) await repo.update('households', id, { room: `r${clock.t}` })
        } else if (o.kind === 'push') {
          const batch = (await listOutbox(db)).slice(0, o.take)
          const results = batch.map((e, i) =>
            o.refuse[i] ? { mutationId: e.id, status: 'rejected' as const, reason: 'refused in test' } : { mutationId: e.id, status: 'applied' as const },
          )
          const out = await settlePush(db, batch, results, clock.t)
          expect(out.pending).toBe(await pendingRecordCount(db))
        } else if (o.kind === 'retry') {
          const r = pick(await listRejected(db), o.of)
          if (r) await retryRejected(db, r.id, now)
        } else if (o.kind === 'discard') {
          const r = pick(await listRejected(db), o.of)
          if (r) await discardRejected(db, r.id)
        } else await forgetPendingCount(db)
      } catch (err) {
        // A record whose create was refused is gone from the phone: its update or retry is refused here.
        if (!['retry', 'update', 'event'].includes(o.kind) || !['ValidationError', 'NotFoundError'].includes((err as Error).name)) throw err
      }
      if (o.kind === 'event' || o.kind === 'retry') stats.events = await db.issueEvents.count()
      const full = await pendingRecordCount(db)
      const kept = await keptPendingCount(db)
      if (kept) expect(kept.n).toBe(full)
      if (full < new Set((await listOutbox(db)).map((e) => e.recordId)).size) stats.merged++
      // Kept, not merely dropped: a row that existed stays (only 'forget' drops it).
      if (hadRow && o.kind !== 'forget') expect(kept).toBeDefined()
      expect((await readPendingCount(db)).n).toBe(full)
    }
  } finally {
    db.close()
    await db.delete()
  }
}

describe('待同步 counter kept by the write path', () => {
  it('equals the full recount after any sequence of writes, push answers, retries and discards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => run([{ kind: 'issue' }, ...ops])),
      { numRuns: 60 },
    )
    expect(stats.merged).toBeGreaterThan(0)
  })

  it('is repaired from a full count when missing, and after a schema upgrade', async () => {
    const db = new FullGridDb(`pending-count-repair-${Math.random().toString(36).slice(2)}`)
    await ensureDeviceId(db, () => 'prop')
    const repo = new Repository(db, { now: () => T0 })
    const i = await repo.create('issues', issue())
    await repo.create('issueEvents', issueEvent(i.id, 'reported', T0))
    await repo.create('households', household())
    await forgetPendingCount(db)
    // A row written by another schema version is not trusted either.
    await db.meta.put({ key: 'pendingRecords', value: { n: 99, v: db.verno - 1 } })
    expect(await keptPendingCount(db)).toBeUndefined()
    const seen: number[] = []
    const stop = watchPendingRecords(db, (n) => seen.push(n))
    for (let k = 0; k < 50 && !(await keptPendingCount(db)); k++) await new Promise((r) => setTimeout(r, 10))
    stop()
    expect(seen[0]).toBe(2)
    expect((await keptPendingCount(db))?.n).toBe(2)
    db.close()
    await db.delete()
  })
})
