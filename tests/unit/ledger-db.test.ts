import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId } from '@/db'
import { loadDraft, saveDraft, deleteDraft } from '@/db/drafts'
import { saveVisit, visitRowsOfHousehold, watchCadenceVisits } from '@/db/visits'
import type { CadenceVisit } from '@/domain/cadence'
import { uuidv7 } from '@/domain/ids'

const gridId = uuidv7()
const workerId = uuidv7()
const householdId = uuidv7()
let db: FullGridDb
let repo: Repository
let n = 0

beforeEach(async () => {
  db = new FullGridDb(`ledger-db-${n++}`)
  await ensureDeviceId(db, () => 'dev1')
  repo = new Repository(db)
  await db.households.put({
    id: householdId, hlc: '001763880000000-00000-seed', deleted: false, gridId, buildingId: null, unit: '', room: '', address: '某小区', headName: '张伟',
    phone: '', members: [], tags: [], health: '', situation: '', needs: '', notes: '',
  })
})
afterEach(async () => {
  db.close()
  await db.delete()
})

const visit = (notes: string) => {
  const now = Date.now()
  return { householdId, gridId, workerId, channel: 'door' as const, startedAt: now - 1000, endedAt: now, location: null, outcome: 'met' as const, answers: {}, notes, needs: '', photoIds: [], followUp: false }
}
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

describe('watchCadenceVisits', () => {
  it('follows saved visits one by one and a cleared table', async () => {
    let seen: CadenceVisit[] | null = null
    const stop = watchCadenceVisits(db, (v) => (seen = v), (e) => { throw e })
    await until(() => seen !== null && seen.length === 0)
    await saveVisit(db, repo, visit('一'))
    await until(() => seen!.length === 1)
    await saveVisit(db, repo, visit('二'))
    await until(() => seen!.length === 2)
    expect(seen!.every((v) => v.householdId === householdId && v.channel === 'door')).toBe(true)
    await db.visits.clear()
    await until(() => seen!.length === 0)
    stop()
  })
})

describe('visit rows', () => {
  it('are 待同步 while an outbox entry for the visit remains', async () => {
    const { visit: v } = await saveVisit(db, repo, visit('走访'))
    expect((await visitRowsOfHousehold(db, householdId)).map((r) => r.sync)).toEqual(['pending'])
    await db.outbox.where('recordId').equals(v.id).delete()
    expect((await visitRowsOfHousehold(db, householdId)).map((r) => r.sync)).toEqual(['synced'])
  })

  it('a saved visit and the issues of its needs are one transaction: an invalid issue stores nothing', async () => {
    await expect(saveVisit(db, repo, visit('走访'), [{ type: 'issue', category: 'other', title: '', description: '', location: null, photoIds: [], level: 'micro' }])).rejects.toThrow()
    expect(await db.visits.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })
})

describe('saving a visit while the phone reads', () => {
  // Packed visits (src/db/packs.ts) are written in several steps; reads of other screens running
  // meanwhile must neither split the transaction nor see half of it.
  it('stores the visit and its 微心愿 together or not at all', async () => {
    const saving = saveVisit(db, repo, visit('走访'), [{ type: 'wish', category: 'micro_wish', title: '想要助行器', description: '', location: null, photoIds: [], level: 'micro' }])
    const seen = new Set<string>()
    const look = () => db.transaction('r', [db.storeOf('visits'), db.issues], async () => `${await db.visits.count()}/${await db.issues.count()}`)
    for (let i = 0; i < 30; i++) {
      seen.add(await look())
      await new Promise((r) => setTimeout(r, 1))
    }
    await saving
    seen.add(await look())
    expect([...seen].filter((s) => s !== '0/0' && s !== '1/1')).toEqual([])
    expect(seen.has('1/1')).toBe(true)
  })
})

describe('drafts', () => {
  it('are kept, read back and deleted by key, outside the outbox', async () => {
    await saveDraft(db, 'visit:h1', { notes: '草稿' })
    expect(await loadDraft(db, 'visit:h1')).toEqual({ notes: '草稿' })
    expect(await db.outbox.count()).toBe(0)
    await deleteDraft(db, 'visit:h1')
    expect(await loadDraft(db, 'visit:h1')).toBeNull()
  })
})
