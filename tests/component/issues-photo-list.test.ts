// @vitest-environment happy-dom
// IssuesPhotoList: a photo whose bytes are on this phone is shown; one that is not (another
// phone's photo, not synced yet) says 照片未同步 in words, never its hash.
import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb } from '@/db'
import { storePhoto } from '@/db/blobs'
import { i18n } from '@/app/i18n'
import IssuesPhotoList from '@/features/issues/IssuesPhotoList.vue'
import { resetDb } from './helpers'

const MISSING = 'a'.repeat(64)

beforeEach(async () => {
  await resetDb()
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:photo', revokeObjectURL: () => {} }))
})
afterEach(() => vi.unstubAllGlobals())

describe('IssuesPhotoList', () => {
  it('shows a stored photo and says 照片未同步 for one not on this phone', async () => {
    const stored = await storePhoto(appDb(), new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }))
    const wrapper = mount(IssuesPhotoList, { props: { photoIds: [stored, MISSING], label: '照片' }, global: { plugins: [i18n] } })
    await vi.waitFor(async () => {
      await flushPromises()
      expect(wrapper.findAll('img')).toHaveLength(1)
    })
    const missing = wrapper.findAll('.issues-photo-list__missing')
    expect(missing).toHaveLength(1)
    expect(missing[0].text()).toBe('照片未同步')
    expect(wrapper.text()).not.toContain(MISSING)
    expect(wrapper.text()).not.toContain(stored)
    wrapper.unmount()
  })
})
