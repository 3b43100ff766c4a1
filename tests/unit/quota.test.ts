/**
 * A full disk (DESIGN §7): the write that hit QuotaExceededError frees space from photos the
 * server already has, then runs once more; records, drafts and the outbox are never what goes.
 * The browser test (tests/e2e/storage.test.ts) fills a real Chromium quota; here the quota is a
 * hook that refuses while "the disk is full", so each step of the rule is checked on its own.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, StorageFullError, ensureDeviceId, type NewRecord } from '@/db'
import { storePhoto, getPhoto, markBlobUploaded } from '@/db/blobs'
import { evictUploadedPhotos, onEviction, registerEvictor, type Eviction } from '@/db/quota'
import { uuidv7 } from '@/domain/ids'
import * as f from '../factories'

const gridId = uuidv7()
let db: FullGridDb
let repo: Repository
let n = 0

function household(): NewRecord<'households'> {
  const { id: _id, ...rec } = f.newRecord(f.household(gridId, { room: String(100 + n) }))
  return rec
}

/** The disk is full until enough uploaded photo bytes are gone (what Chromium's quota does). */
function fullUntilFreed(bytesNeeded: number): { refusals: () => number } {
  let refusals = 0
  let freed = 0
  db.blobs.hook('updating', (mods, _key, obj) => {
    if ('data' in mods && (mods as { data: unknown }).data === null && obj.data) freed += obj.size
    return undefined
  })
  // Households are packed (src/db/packs.ts): a new household creates or rewrites a pack.
  const refuse = () => {
    if (freed < bytesNeeded) {
      refusals++
      throw new DOMException('quota', 'QuotaExceededError')
    }
  }
  db.packs.hook('creating', refuse)
  db.packs.hook('updating', () => (refuse(), undefined))
  return { refusals: () => refusals }
}

beforeEach(async () => {
  db = new FullGridDb(`quota-${++n}-${Date.now()}`)
  await ensureDeviceId(db, () => 'quota-test')
  repo = new Repository(db)
})
afterEach(async () => {
  db.close()
  await db.delete()
})

describe('QuotaExceededError', () => {
  it('drops the bytes of uploaded photos only, then saves the record and its outbox entry', async () => {
    const uploaded = await storePhoto(db, new Blob([new Uint8Array(4000).fill(1)], { type: 'image/jpeg' }))
    const pending = await storePhoto(db, new Blob([new Uint8Array(3000).fill(2)], { type: 'image/jpeg' }))
    await markBlobUploaded(db, uploaded)
    const heard: Eviction[] = []
    const stop = onEviction((e) => heard.push(e))
    const disk = fullUntilFreed(1)

    const saved = await repo.create('households', household())

    stop()
    expect(disk.refusals(), 'the first try hit the full disk').toBe(1)
    expect(await db.households.get(saved.id)).toBeDefined()
    expect(await db.outbox.where('recordId').equals(saved.id).count()).toBe(1)
    // The uploaded photo's bytes went (its key stays for the record that names it); the photo
    // the server does not have yet was kept.
    expect(await getPhoto(db, uploaded)).toBeNull()
    expect(await db.blobs.get(uploaded)).toMatchObject({ uploaded: 1, data: null, size: 4000 })
    expect(await getPhoto(db, pending)).not.toBeNull()
    expect(heard).toEqual([{ photos: 1, photoBytes: 4000, other: 0 }])
  })

  it('refuses with StorageFullError, storing nothing, when nothing can be dropped', async () => {
    const before = await db.households.count()
    const pending = await storePhoto(db, new Blob([new Uint8Array(3000).fill(2)], { type: 'image/jpeg' }))
    fullUntilFreed(1)
    await expect(repo.create('households', household())).rejects.toThrow(StorageFullError)
    expect(await db.households.count()).toBe(before)
    expect(await db.outbox.count()).toBe(0)
    expect(await getPhoto(db, pending), 'a photo not yet uploaded is never dropped').not.toBeNull()
  })

  it('asks the other evictors (map tiles) only when photos freed nothing, and retries once', async () => {
    let tileCalls = 0
    const unregister = registerEvictor(async () => (tileCalls++, 12))
    let refusals = 0
    const refuse = () => {
      refusals++
      throw new DOMException('quota', 'QuotaExceededError')
    }
    db.packs.hook('creating', refuse)
    db.packs.hook('updating', () => (refuse(), undefined))
    try {
      await expect(repo.create('households', household())).rejects.toThrow(StorageFullError)
    } finally {
      unregister()
    }
    expect(tileCalls).toBe(1)
    expect(refusals, 'one retry after freeing, not a loop').toBe(2)
  })

  it('evicts nothing twice and counts only what it dropped', async () => {
    const a = await storePhoto(db, new Blob([new Uint8Array(100).fill(3)]))
    await markBlobUploaded(db, a)
    expect(await evictUploadedPhotos(db)).toEqual({ photos: 1, bytes: 100 })
    expect(await evictUploadedPhotos(db)).toEqual({ photos: 0, bytes: 0 })
  })
})
