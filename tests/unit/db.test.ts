import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { householdsAtRoom } from '@/db/households'
import { FullGridDb, LATEST_VERSION, Repository, SCHEMA_VERSIONS, ValidationError, StorageFullError, ensureDeviceId, getMeta, householdsInBuilding, visitsOfHousehold, type NewRecord } from '@/db'
import { uuidv7 } from '@/domain/ids'
import { parseHlc } from '@/domain/hlc'
import * as f from '../factories'

const gridId = uuidv7()
const workerId = uuidv7()

/** A new household as a feature hands it to the Repository (tests/factories), id left to the Repository. */
function household(overrides: Partial<NewRecord<'households'>> = {}): NewRecord<'households'> {
  const { id: _id, ...rec } = f.newRecord(
    f.household(gridId, {
      unit: '2', room: '301', address: '阳光花园3号楼2单元301室', phone: '13800001234', health: '高血压', situation: '独居',
      members: [{ name: '王秀英', relation: '户主', gender: 'female', birthYear: 1940, idNumber: '370285********123X', phone: '', tags: ['advanced_age'] }],
      tags: ['living_alone_elder', 'advanced_age'],
    }),
  )
  return { ...rec, ...overrides }
}

let names = 0
let db: FullGridDb
let repo: Repository
let clock = 1_763_880_000_000

beforeEach(async () => {
  db = new FullGridDb(`test-${names++}`)
  await ensureDeviceId(db, () => 'phone1')
  repo = new Repository(db, { now: () => clock })
})
afterEach(async () => {
  await db.delete()
})

describe('Repository', () => {
  it('writes a record and its outbox entry in one transaction, stamped by the HLC', async () => {
    const h = await repo.create('households', household())
    expect(h.deleted).toBe(false)
    expect(parseHlc(h.hlc).node).toBe('phone1')
    expect(await db.households.get(h.id)).toEqual(h)
    const outbox = await db.outbox.toArray()
    expect(outbox).toHaveLength(1)
    expect(outbox[0]).toMatchObject({ entity: 'households', recordId: h.id, op: 'put', hlc: h.hlc })
    expect(outbox[0].fields).toEqual(h)
    expect(await getMeta(db, 'hlc')).toBe(h.hlc)
  })

  it('sends only the changed fields of an update, with a later stamp', async () => {
    const h = await repo.create('households', household())
    clock += 1000
    const updated = await repo.update('households', h.id, { phone: '13900005678', headName: '王秀英' })
    expect(updated.phone).toBe('13900005678')
    expect(updated.hlc > h.hlc).toBe(true)
    const [, second] = await db.outbox.orderBy('id').toArray()
    expect(second.fields).toEqual({ phone: '13900005678' })
  })

  it('queues nothing when an update changes nothing', async () => {
    const h = await repo.create('households', household())
    await repo.update('households', h.id, { address: h.address })
    expect(await db.outbox.count()).toBe(1)
  })

  it('rejects an invalid record with a readable message and stores nothing', async () => {
    await expect(repo.create('households', household({ headName: '' }))).rejects.toThrow(ValidationError)
    await expect(repo.create('households', household({ headName: '' }))).rejects.toThrow(/headName/)
    expect(await db.households.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })

  it('keeps the record unchanged when an update would make it invalid', async () => {
    const h = await repo.create('households', household())
    await expect(repo.update('households', h.id, { tags: ['no_such_tag' as never] })).rejects.toThrow(/tags/)
    expect(await db.households.get(h.id)).toEqual(h)
    expect(await db.outbox.count()).toBe(1)
  })

  it('refuses to change an immutable visit after creation', async () => {
    const h = await repo.create('households', household())
    const v = await repo.create('visits', {
      householdId: h.id, gridId, workerId, startedAt: clock, endedAt: clock + 60_000, outcome: 'met',
      answers: {}, notes: '', needs: '', photoIds: [], followUp: false,
    })
    await expect(repo.update('visits', v.id, { notes: 'changed' })).rejects.toThrow(/cannot change/)
  })

  it('tombstones on delete and queues a delete mutation', async () => {
    const h = await repo.create('households', household())
    await repo.remove('households', h.id)
    expect((await db.households.get(h.id))?.deleted).toBe(true)
    const last = (await db.outbox.orderBy('id').toArray()).at(-1)!
    expect(last).toMatchObject({ op: 'delete', fields: { deleted: true } })
  })

  it('leaves no record behind when the outbox write fails', async () => {
    const h = household()
    const id = uuidv7()
    // An outbox entry with the id the repository will choose cannot be forced, so make the
    // outbox table refuse writes instead and check the record did not land alone.
    db.outbox.hook('creating', () => {
      throw new Error('disk says no')
    })
    await expect(repo.create('households', { ...h, id })).rejects.toThrow(/disk says no/)
    expect(await db.households.get(id)).toBeUndefined()
  })

  it('reports a full disk as StorageFullError with nothing stored', async () => {
    // Households are packed (schema v4): the write that fails is the pack's.
    db.packs.hook('creating', () => {
      throw new DOMException('quota', 'QuotaExceededError')
    })
    await expect(repo.create('households', household())).rejects.toThrow(StorageFullError)
    expect(await db.outbox.count()).toBe(0)
  })

  it('finds households by tag and by building, unit and room', async () => {
    const buildingId = uuidv7()
    await repo.create('households', household({ buildingId }))
    await repo.create('households', household({ buildingId, room: '302', tags: ['rental'] }))
    expect((await db.households.filter((h) => h.tags.includes('rental'))).length).toBe(1)
    expect(await householdsAtRoom(db, buildingId, '2', '301')).toHaveLength(1)
    expect((await householdsInBuilding(db, buildingId)).map((h) => h.room).sort()).toEqual(['301', '302'])
    expect(await householdsInBuilding(db, uuidv7())).toEqual([])
  })
})

describe('schema upgrades', () => {
  it('declares versions in increasing order and never drops the outbox', () => {
    const versions = SCHEMA_VERSIONS.map((v) => v.version)
    expect(versions).toEqual([...versions].sort((a, b) => a - b))
    for (const v of SCHEMA_VERSIONS) expect(v.stores.outbox).not.toBeNull()
  })

  // Every earlier version's data opens with the latest schema, its outbox intact.
  it.each(SCHEMA_VERSIONS.filter((v) => v.version < LATEST_VERSION).map((v) => v.version))(
    'upgrades a database written by version %i',
    async (from) => {
      const name = `upgrade-from-${from}-${names++}`
      const old = new FullGridDb(name, from)
      await old.open()
      expect(old.verno).toBe(from)
      const householdId = uuidv7()
      // From v4 on households and visits are packed (packs.ts), no longer tables of their own.
      const store = (entity: 'households' | 'visits') => (from >= 4 ? old[entity] : old.table(entity)) as unknown as { put(v: object): Promise<unknown> }
      await store('households').put({ id: householdId, tags: ['rental'], headName: '李强' })
      await old.table('meta').put({ key: 'deviceId', value: 'old-phone' })
      const rejectedVisit = { id: uuidv7(), entity: 'visits', recordId: uuidv7(), op: 'put', fields: {}, hlc: '001763880000000-00001-old-phone', queuedAt: 2, attempts: 3 }
      await old.table('outbox').put(
        { id: uuidv7(), entity: 'households', recordId: householdId, op: 'put', fields: { headName: '李强' }, hlc: '001763880000000-00000-old-phone', queuedAt: 1, attempts: 0 },
      )
      // Each version keeps a rejection where that version kept it: v1 in the outbox, later in `rejected`.
      if (from === 1) await old.table('outbox').put({ ...rejectedVisit, status: 'rejected', reason: 'unknown_reference' })
      else await old.table('rejected').put({ ...rejectedVisit, reason: 'unknown_reference', rejectedAt: 3 })
      const visitId = uuidv7()
      await store('visits').put({ id: visitId, householdId, startedAt: 5, gridId: 'g' })
      old.close()

      const upgraded = new FullGridDb(name)
      await upgraded.open()
      expect(upgraded.verno).toBe(LATEST_VERSION)
      expect(await upgraded.outbox.count()).toBe(1)
      const rejected = await upgraded.rejected.toArray()
      expect(rejected).toHaveLength(1)
      expect(rejected[0]).toMatchObject({ entity: 'visits', reason: 'unknown_reference' })
      expect(rejected[0]).not.toHaveProperty('status')
      expect((await upgraded.households.filter((h) => h.tags.includes('rental'))).map((h) => h.id)).toEqual([householdId])
      expect(await getMeta(upgraded, 'deviceId')).toBe('old-phone')
      expect((await visitsOfHousehold(upgraded, householdId)).map((v) => v.id)).toEqual([visitId])
      await upgraded.delete()
    },
  )

  it('moves every household of a version 3 phone into packs (v4), tombstones and the outbox kept', async () => {
    const name = `upgrade-into-packs-${names++}`
    const old = new FullGridDb(name, 3)
    await old.open()
    const rows = Array.from({ length: 1500 }, (_, i) => ({ ...f.household(gridId, { room: String(i) }), deleted: i % 100 === 0 }))
    await old.table('households').bulkPut(rows)
    const entry = { id: uuidv7(), entity: 'households', recordId: rows[3].id, op: 'put', fields: { phone: '13900000000' }, hlc: '001763880000000-00000-old-phone', queuedAt: 1, attempts: 0 }
    await old.table('outbox').put(entry)
    await old.table('meta').put({ key: `syncBase:households:${rows[3].id}`, value: rows[3] })
    old.close()

    const upgraded = new FullGridDb(name)
    await upgraded.open()
    expect(upgraded.verno).toBe(LATEST_VERSION)
    expect(upgraded.tables.map((t) => t.name)).not.toContain('households')
    expect(await upgraded.households.count()).toBe(1500)
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)
    expect((await upgraded.households.toArray()).sort(byId)).toEqual([...rows].sort(byId))
    expect(await upgraded.packs.count()).toBeLessThan(100)
    expect(await upgraded.outbox.toArray()).toEqual([entry])
    expect((await upgraded.meta.get(`syncBase:households:${rows[3].id}`))?.value).toEqual(rows[3])
    // The one write path works on what was moved: an edit of a moved household and its outbox entry.
    await ensureDeviceId(upgraded, () => 'old-phone')
    await new Repository(upgraded).update('households', rows[5].id, { phone: '13700000000' })
    expect((await upgraded.households.get(rows[5].id))?.phone).toBe('13700000000')
    expect(await upgraded.outbox.count()).toBe(2)
    await upgraded.delete()
  })
})
