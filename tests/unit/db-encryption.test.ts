import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, describe, expect, it } from 'vitest'
import { FullGridDb, LATEST_VERSION, Repository, SCHEMA_VERSIONS, ensureDeviceId, getMeta, visitsOfHousehold } from '@/db'
import { LockedError, lockKey, setDataKey, setEncryptionRequired } from '@/db/crypto'
import { SEALING_SKIPPED_FOR_BENCH, isSealed } from '@/db/crypto/middleware'
import { sealStoredRows } from '@/db/crypto/seal'
import { saveDraft, loadDraft } from '@/db/drafts'
import { getPhoto, storePhoto } from '@/db/blobs'
import { loadPinyinCache, savePinyinCache } from '@/db/pinyinCache'
import { uuidv7 } from '@/domain/ids'
import * as f from '../factories'

const gridId = uuidv7()
const NAME = '王秀英'
const PHONE = '13800001234'
const ID_NUMBER = '370285194001011234'
let n = 0
const dbs: FullGridDb[] = []
function open(name = `enc-${n++}`, upTo?: number): FullGridDb {
  const db = new FullGridDb(name, upTo)
  dbs.push(db)
  return db
}
afterEach(async () => {
  lockKey()
  setEncryptionRequired(false)
  for (const db of dbs.splice(0)) await db.delete()
})

/** Every row as IndexedDB holds it, read without the middleware, as searchable text. */
async function rawText(name: string): Promise<{ rows: Record<string, unknown>[]; text: string }> {
  const raw = new Dexie(name)
  await raw.open()
  const rows: Record<string, unknown>[] = []
  for (const t of raw.tables) rows.push(...((await t.toArray()) as Record<string, unknown>[]))
  raw.close()
  const utf8 = new TextDecoder()
  const text = JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? utf8.decode(v) : v))
  return { rows, text }
}

const key = () => crypto.getRandomValues(new Uint8Array(32))

describe('encryption at rest (DBCore middleware)', () => {
  it('stores no personal value in the clear: packs, issues, outbox, drafts, photos, pinyin cache', async () => {
    setDataKey(key())
    const db = open()
    await ensureDeviceId(db, () => 'phone1')
    const repo = new Repository(db)
    const { id: _id, ...h } = f.newRecord(f.household(gridId, { headName: NAME, phone: PHONE, members: [{ name: NAME, relation: '户主', gender: 'female', birthYear: 1940, idNumber: ID_NUMBER, phone: PHONE, tags: [] }] }))
    const household = await repo.create('households', h)
    const { id: _iid, ...issue } = f.newRecord(f.issue(gridId, uuidv7(), { householdId: household.id, description: `${NAME} 电话 ${PHONE}` }))
    await repo.create('issues', issue)
    await saveDraft(db, `visit:${household.id}`, { notes: `${NAME}身体不适` })
    const photo = new Blob([`photo of ${NAME}`], { type: 'image/jpeg' })
    const sha = await storePhoto(db, photo)
    await savePinyinCache(db, new Map([[NAME, { full: 'wangxiuying', initials: 'wxy' }]]))

    // Read back through the app: unchanged.
    expect((await db.households.get(household.id))?.phone).toBe(PHONE)
    expect(await loadDraft(db, `visit:${household.id}`)).toEqual({ notes: `${NAME}身体不适` })
    expect(await (await getPhoto(db, sha))!.text()).toBe(`photo of ${NAME}`)
    const cache = new Map()
    await loadPinyinCache(db, cache)
    expect(cache.get(NAME)).toEqual({ full: 'wangxiuying', initials: 'wxy' })
    expect(await db.outbox.count()).toBe(2)

    const { rows, text } = await rawText(db.name)
    for (const needle of [NAME, PHONE, ID_NUMBER, 'wangxiuying', 'photo of']) expect(text).not.toContain(needle)
    const clear = rows.filter((r) => !isSealed(r)).map((r) => r.key)
    // only the meta rows read before unlock; pendingRecords is the 待同步 count (a number, issue 20)
    expect(clear).toEqual(['deviceId', 'hlc', 'pendingRecords'])
  })

  it('refuses reads and writes of sealed data while locked, and reads again after unlock', async () => {
    const k = key()
    // lockKey() zeroes the key it held: each unlock hands over a fresh copy.
    setDataKey(k.slice())
    const db = open()
    await ensureDeviceId(db, () => 'phone1')
    const { id: _id, ...h } = f.newRecord(f.household(gridId, { headName: NAME }))
    const rec = await new Repository(db).create('households', h)
    lockKey()
    await expect(db.households.get(rec.id)).rejects.toThrow(LockedError)
    await expect(db.outbox.toArray()).rejects.toThrow('手机已锁定')
    await expect(saveDraft(db, 'x', { a: 1 })).rejects.toThrow(LockedError)
    // The device id is read before unlock.
    expect(await getMeta(db, 'deviceId')).toBe('phone1')
    setDataKey(k.slice())
    expect((await db.households.get(rec.id))?.headName).toBe(NAME)
  })

  it('a wrong key opens nothing', async () => {
    setDataKey(key())
    const db = open()
    await saveDraft(db, 'x', { notes: NAME })
    setDataKey(key())
    await expect(loadDraft(db, 'x')).rejects.toThrow()
  })
})

describe("the encryption bench's unsealed build flag (VITE_FULLGRID_NO_SEAL)", () => {
  it('is off outside bench/encryption.ts: no .env file sets it and every database has the middleware', async () => {
    const { loadEnv } = await import('vite')
    for (const mode of ['production', 'development', 'test']) expect(loadEnv(mode, process.cwd(), 'VITE_').VITE_FULLGRID_NO_SEAL).toBeUndefined()
    expect(SEALING_SKIPPED_FOR_BENCH).toBe(false)
    const db = open()
    const names = (db as unknown as { _middlewares: { dbcore?: { name: string }[] } })._middlewares.dbcore?.map((m) => m.name)
    expect(names).toContain('EncryptionAtRest')
  })
})

describe('sealing what an unencrypted phone stored', () => {
  it('seals a v4 database with 1,000 households and a waiting outbox, nothing lost', async () => {
    const name = `enc-v4-${n++}`
    const old = open(name, 4)
    await old.open()
    const rows = Array.from({ length: 1000 }, (_, i) => f.household(gridId, { room: String(i), headName: `${NAME}${i}`, phone: PHONE }))
    await old.households.bulkPut(rows)
    const entries = rows.slice(0, 20).map((r, i) => ({ id: uuidv7(), entity: 'households', recordId: r.id, op: 'put', fields: { phone: PHONE }, hlc: `0017638800000${String(i).padStart(2, '0')}-00000-old-phone`, queuedAt: i, attempts: 0 }))
    await old.table('outbox').bulkPut(entries)
    await old.table('meta').put({ key: 'deviceId', value: 'old-phone' })
    await old.table('meta').put({ key: `draft:visit:${rows[0].id}`, value: { notes: NAME } })
    const photo = new Blob([`photo of ${NAME}`], { type: 'image/jpeg' })
    await old.table('blobs').put({ sha256: 'a'.repeat(64), type: 'image/jpeg', size: photo.size, data: photo, uploaded: 0, createdAt: 1 })
    old.close()
    expect((await rawText(name)).text).toContain(PHONE)

    const db = open(name)
    await db.open()
    expect(db.verno).toBe(LATEST_VERSION)
    setDataKey(key())
    expect(await sealStoredRows(db)).toBeGreaterThan(20)
    const { rows: raw, text } = await rawText(name)
    expect(text).not.toContain(PHONE)
    expect(text).not.toContain(NAME)
    expect(raw.filter((r) => !isSealed(r)).map((r) => r.key)).toEqual(['deviceId'])
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)
    expect((await db.households.toArray()).sort(byId)).toEqual([...rows].sort(byId))
    expect((await db.outbox.toArray()).sort(byId)).toEqual([...entries].sort(byId))
    expect(await loadDraft(db, `visit:${rows[0].id}`)).toEqual({ notes: NAME })
    expect(await (await getPhoto(db, 'a'.repeat(64)))!.text()).toBe(`photo of ${NAME}`)
    // The one write path works on the sealed store.
    await new Repository(db).update('households', rows[5].id, { phone: '13700000000' })
    expect((await db.households.get(rows[5].id))?.phone).toBe('13700000000')
    expect(await db.outbox.count()).toBe(21)
    // Idempotent: a second pass (after an interrupted one) changes nothing.
    await sealStoredRows(db)
    expect(await db.outbox.count()).toBe(21)
  })

  it.each(SCHEMA_VERSIONS.filter((v) => v.version < LATEST_VERSION).map((v) => v.version))('upgrades and seals a database written by version %i', async (from) => {
    const name = `enc-from-${from}-${n++}`
    const old = open(name, from)
    await old.open()
    const householdId = uuidv7()
    // From v4 on households and visits are packed (packs.ts), no longer tables of their own.
    const store = (entity: 'households' | 'visits') => (from >= 4 ? old[entity] : old.table(entity)) as unknown as { put(v: object): Promise<unknown> }
    await store('households').put({ id: householdId, tags: ['rental'], headName: NAME })
    await old.table('meta').put({ key: 'deviceId', value: 'old-phone' })
    const entry = { id: uuidv7(), entity: 'households', recordId: householdId, op: 'put', fields: { headName: NAME }, hlc: '001763880000000-00000-old-phone', queuedAt: 1, attempts: 0 }
    await old.table('outbox').put(entry)
    const visitId = uuidv7()
    await store('visits').put({ id: visitId, householdId, startedAt: 5, gridId: 'g' })
    old.close()

    const db = open(name)
    await db.open()
    setDataKey(key())
    await sealStoredRows(db)
    expect((await rawText(name)).text).not.toContain(NAME)
    expect(await db.outbox.toArray()).toEqual([entry])
    expect((await db.households.get(householdId))?.headName).toBe(NAME)
    expect((await visitsOfHousehold(db, householdId)).map((v) => v.id)).toEqual([visitId])
  })
})
