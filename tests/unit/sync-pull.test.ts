import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getMeta } from '@/db'
import { formatHlc, parseHlc } from '@/domain/hlc'
import { uuidv7 } from '@/domain/ids'
import { NetworkError, pullChanges, pushOutbox, syncOnce, type SyncProgress } from '@/sync'
import * as f from '../factories'
import type { MemoryServer } from './sync-server'
import { GRID_ID, household, issue, issueEvent, OTHER_GRID_ID, serverAndDevice, T0, USER_ID, type Device } from './sync-helpers'

const stamp = (wall: number, node = 'other') => formatHlc({ wall, counter: 0, node })

let server: MemoryServer
let dev: Device

function seedHousehold(id: string, wall: number, overrides: Record<string, unknown> = {}) {
  server.seed('households', { ...household(), id, hlc: stamp(wall), deleted: false, ...overrides })
}

beforeEach(async () => {
  ;({ server, dev } = await serverAndDevice('phone1', { pullLimit: 2, t: T0 }))
})
afterEach(async () => {
  await dev.db.delete()
})

describe('pullChanges', () => {
  it('pulls page by page until hasMore is false, saves the cursor and reports first-sync progress', async () => {
    for (let i = 0; i < 5; i++) seedHousehold(uuidv7(), T0 - 1000 + i, { room: `${i}` })
    const progress: SyncProgress[] = []
    dev.ctx.onProgress = (p) => progress.push(p)
    const out = await pullChanges(dev.ctx)
    expect(out).toMatchObject({ received: 5, pages: 3, firstSync: true })
    expect(await dev.db.households.count()).toBe(5)
    expect(await getMeta(dev.db, 'syncCursor')).toBe('5')
    expect(progress.map((p) => [p.done, p.total, p.firstSync])).toEqual([
      [2, 5, true],
      [4, 5, true],
      [5, 5, true],
    ])
    // Nothing new: one request, nothing applied, no first-sync bar.
    expect(await pullChanges(dev.ctx)).toMatchObject({ received: 0, firstSync: false })
  })

  it('resumes an interrupted download at the last applied page', async () => {
    for (let i = 0; i < 5; i++) seedHousehold(uuidv7(), T0 - 1000 + i)
    let calls = 0
    dev.ctx.fetch = async (url, init) => {
      if (url.includes('/pull') && ++calls === 2) throw new TypeError('offline')
      return server.fetch(url, init)
    }
    await expect(pullChanges(dev.ctx)).rejects.toBeInstanceOf(NetworkError)
    expect(await dev.db.households.count()).toBe(2)
    expect(await getMeta(dev.db, 'syncCursor')).toBe('2')
    const out = await pullChanges(dev.ctx)
    expect(out.received).toBe(3)
    expect(await dev.db.households.count()).toBe(5)
  })

  it('advances the device clock past every stamp received', async () => {
    seedHousehold(uuidv7(), T0 + 60_000)
    await pullChanges(dev.ctx)
    const hlc = parseHlc((await getMeta(dev.db, 'hlc'))!)
    expect(hlc.wall).toBe(T0 + 60_000)
    expect(hlc.node).toBe('phone1')
    // A local edit made now sorts after what was received, although the phone's wall clock is behind.
    const [h] = await dev.db.households.toArray()
    const edited = await dev.repo.update('households', h.id, { notes: '复查' })
    expect(edited.hlc > stamp(T0 + 60_000)).toBe(true)
  })

  it('keeps a pending local edit over a pulled record, and takes the other fields from the server', async () => {
    const id = uuidv7()
    seedHousehold(id, T0 - 5000)
    await pullChanges(dev.ctx)
    dev.clock.t = T0 + 1000
    await dev.repo.update('households', id, { phone: '13900000000' })
    // Another device changes other fields later (HLC-wise) and the server has it first.
    server.apply({ id: uuidv7(), entity: 'households', recordId: id, op: 'put', fields: { notes: '已复查', phone: '13700000000' }, hlc: stamp(T0 + 500) })
    await pullChanges(dev.ctx)
    const local = await dev.db.households.get(id)
    expect(local?.phone).toBe('13900000000') // pending, newer: stays
    expect(local?.notes).toBe('已复查') // from the server
    await syncOnce(dev.ctx)
    expect((await dev.db.households.get(id))?.phone).toBe('13900000000')
    expect(server.record('households', id)?.phone).toBe('13900000000')
  })

  it('gives up a replayed local edit that lost on the server once the push is answered', async () => {
    const id = uuidv7()
    seedHousehold(id, T0 - 5000)
    await pullChanges(dev.ctx)
    await dev.repo.update('households', id, { phone: '13900000000' }) // stamped ~T0
    // Another device edited the same field later; this phone pulls it while its edit is pending.
    server.apply({ id: uuidv7(), entity: 'households', recordId: id, op: 'put', fields: { phone: '13700000000' }, hlc: stamp(T0 + 9000) })
    await pullChanges(dev.ctx)
    expect((await dev.db.households.get(id))?.phone).toBe('13900000000') // pending edit visible until answered
    await pushOutbox(dev.ctx) // applied, but loses LWW: the server has nothing new to send
    expect((await dev.db.households.get(id))?.phone).toBe('13700000000')
    await pullChanges(dev.ctx)
    expect((await dev.db.households.get(id))?.phone).toBe('13700000000')
    expect(await dev.db.meta.where('key').startsWith('syncBase:').count()).toBe(0)
  })

  it('shows a pending delete over a pulled record until it is answered', async () => {
    const id = uuidv7()
    seedHousehold(id, T0 - 5000)
    await pullChanges(dev.ctx)
    await dev.repo.remove('households', id)
    server.apply({ id: uuidv7(), entity: 'households', recordId: id, op: 'put', fields: { notes: 'x' }, hlc: stamp(T0 - 10) })
    await pullChanges(dev.ctx)
    expect((await dev.db.households.get(id))?.deleted).toBe(true)
    await syncOnce(dev.ctx)
    expect(server.record('households', id)?.deleted).toBe(true)
    expect((await dev.db.households.get(id))?.deleted).toBe(true)
  })

  it('downloads again after a refused edit it cannot undo, so the phone ends with the server value', async () => {
    const id = uuidv7()
    seedHousehold(id, T0 - 5000)
    await pullChanges(dev.ctx)
    await dev.repo.update('households', id, { phone: '13900000000' })
    const realFetch = server.fetch
    dev.ctx.fetch = async (url, init) => {
      if (url.includes('/push')) {
        const body = JSON.parse(String(init.body))
        return { status: 200, json: async () => ({ results: body.mutations.map((m: { id: string }) => ({ mutationId: m.id, status: 'rejected', reason: 'out of scope' })) }) }
      }
      return realFetch(url, init)
    }
    await syncOnce(dev.ctx)
    expect((await dev.db.households.get(id))?.phone).toBe(household().phone)
    expect(await dev.db.rejected.count()).toBe(1)
  })
})

describe('removals (a record left the user’s scope)', () => {
  it('deletes the phone’s copy and its sync base in the page transaction', async () => {
    const kept = uuidv7()
    const moved = uuidv7()
    seedHousehold(kept, T0 - 5000)
    seedHousehold(moved, T0 - 4000)
    await pullChanges(dev.ctx)
    expect(await dev.db.households.count()).toBe(2)
    server.move('households', moved, OTHER_GRID_ID, stamp(T0 - 100))
    const out = await pullChanges(dev.ctx)
    expect(out.received).toBe(1)
    expect(await dev.db.households.get(moved)).toBeUndefined()
    expect(await dev.db.households.get(kept)).toBeDefined()
    expect(await dev.db.meta.where('key').startsWith('syncBase:').count()).toBe(0)
  })

  it('moves a pending edit of a removed record to 需处理 with removed_from_scope, and it never reaches the server', async () => {
    const id = uuidv7()
    seedHousehold(id, T0 - 5000)
    await pullChanges(dev.ctx)
    await dev.repo.update('households', id, { phone: '13900000000' })
    // The edit is pending when the supervisor moves the household away: the pull carries its base first.
    server.apply({ id: uuidv7(), entity: 'households', recordId: id, op: 'put', fields: { notes: '换网格前' }, hlc: stamp(T0 - 200) })
    await pullChanges(dev.ctx)
    expect(await dev.db.meta.where('key').startsWith('syncBase:').count()).toBe(1)
    server.move('households', id, OTHER_GRID_ID, stamp(T0 - 100))
    await pullChanges(dev.ctx)
    expect(await dev.db.households.get(id)).toBeUndefined()
    expect(await dev.db.outbox.count()).toBe(0)
    expect(await dev.db.meta.where('key').startsWith('syncBase:').count()).toBe(0)
    const [entry] = await dev.db.rejected.toArray()
    expect(entry).toMatchObject({ recordId: id, code: 'removed_from_scope', fields: { phone: '13900000000' } })
    const pushes = server.log.filter((l) => l.includes('push')).length
    await syncOnce(dev.ctx)
    expect(server.log.filter((l) => l.includes('push')).length).toBe(pushes)
    expect(server.record('households', id)?.phone).toBe(household().phone)
  })

  it('sets aside the pending events of a removed issue and drops their local copies', async () => {
    // An issue another worker reported in this worker's grid; this phone adds 处理中 offline.
    const reporter = '01900000-0000-7000-8000-0000000000bb'
    const i = { ...issue({ reportedBy: reporter }), id: uuidv7(), hlc: stamp(T0 - 3000), deleted: false }
    server.seed('issues', i)
    server.seed('issueEvents', { id: uuidv7(), issueId: i.id, type: 'reported', actorId: reporter, at: T0 - 3000, data: {}, hlc: stamp(T0 - 3000), deleted: false })
    await pullChanges(dev.ctx)
    expect(await dev.db.issueEvents.count()).toBe(1)
    const progress = await dev.repo.create('issueEvents', issueEvent(i.id, 'progress', dev.clock.t))
    // The worker's grids are reassigned: the issue and its events leave the phone.
    server.setGrids(USER_ID, [])
    await pullChanges(dev.ctx)
    expect(await dev.db.issues.get(i.id)).toBeUndefined()
    expect(await dev.db.issueEvents.count()).toBe(0)
    expect(await dev.db.outbox.count()).toBe(0)
    expect((await dev.db.rejected.toArray()).map((r) => [r.recordId, r.code])).toEqual([[progress.id, 'removed_from_scope']])
  })

  it('takes a removed patrol’s track with it', async () => {
    const { applyPullPage } = await import('@/db/sync')
    const p = { ...f.patrol(GRID_ID, USER_ID), hlc: stamp(T0) }
    const kept = { ...f.patrol(GRID_ID, USER_ID), hlc: stamp(T0) }
    const segs = [f.segment(p, 0), f.segment(p, 1), f.segment(kept, 0)].map((s) => ({ ...s, hlc: stamp(T0) }))
    const change = (entity: 'patrols' | 'trackSegments', r: { id: string; hlc: string }) => ({ entity, id: r.id, hlc: r.hlc, deleted: false, data: { ...r } })
    await applyPullPage(dev.db, [change('patrols', p), change('patrols', kept), ...segs.map((s) => change('trackSegments', s))], 'c1', () => T0)
    expect(await dev.db.trackSegments.count()).toBe(3)
    await applyPullPage(dev.db, [{ entity: 'patrols', id: p.id, removed: true }], 'c2', () => T0)
    expect(await dev.db.patrols.get(p.id)).toBeUndefined()
    expect((await dev.db.trackSegments.toArray()).map((s) => s.patrolId)).toEqual([kept.id])
  })

  it('a grid reassignment removes every record the new scope does not cover', async () => {
    const a = uuidv7()
    const b = uuidv7()
    const other = '01900000-0000-7000-8000-0000000000aa'
    seedHousehold(a, T0 - 5000)
    seedHousehold(b, T0 - 4000, { gridId: other })
    server.users.get(USER_ID)!.gridIds = [GRID_ID, other]
    await pullChanges(dev.ctx)
    expect(await dev.db.households.count()).toBe(2)
    server.setGrids(USER_ID, [other])
    await pullChanges(dev.ctx)
    expect((await dev.db.households.toArray()).map((h) => h.id)).toEqual([b])
  })

  it('a record removed and sent again in the same page is kept (the later change wins)', async () => {
    const { applyPullPage } = await import('@/db/sync')
    const id = uuidv7()
    const data = { ...household(), id, hlc: stamp(T0), deleted: false }
    await applyPullPage(dev.db, [{ entity: 'households', id, hlc: stamp(T0), deleted: false, data }, { entity: 'households', id, removed: true }, { entity: 'households', id, hlc: stamp(T0 + 1), deleted: false, data: { ...data, notes: 'back' } }], 'c1', () => T0)
    expect((await dev.db.households.get(id))?.notes).toBe('back')
    await applyPullPage(dev.db, [{ entity: 'households', id, removed: true }], 'c2', () => T0)
    expect(await dev.db.households.get(id)).toBeUndefined()
  })
})
