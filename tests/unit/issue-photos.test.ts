import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'

const compress = vi.fn(async (file: File) => new File([new Uint8Array([1, 2, 3])], file.name, { type: 'image/jpeg' }))
vi.mock('browser-image-compression', () => ({ default: compress }))

const { appDb } = await import('@/db')
const { addIssuePhoto, PHOTO_MAX_SIDE, PHOTO_QUALITY } = await import('@/features/issues/issues.photos')

afterEach(async () => {
  await appDb().blobs.clear()
})

describe('issue photos', () => {
  it('compresses to a long side of 1600 px at ~0.75 and stores the result once, keyed by its SHA-256', async () => {
    const file = new File([new Uint8Array(5000)], 'photo.jpg', { type: 'image/jpeg' })
    const sha = await addIssuePhoto(file)
    expect(compress).toHaveBeenCalledWith(file, expect.objectContaining({ maxWidthOrHeight: 1600, initialQuality: 0.75 }))
    expect([PHOTO_MAX_SIDE, PHOTO_QUALITY]).toEqual([1600, 0.75])
    // SHA-256 of the bytes 01 02 03
    expect(sha).toBe('039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81')
    const stored = await appDb().blobs.get(sha)
    expect(stored).toMatchObject({ size: 3, uploaded: 0, type: 'image/jpeg' })
    expect(await addIssuePhoto(file)).toBe(sha)
    expect(await appDb().blobs.count()).toBe(1)
  })
})
