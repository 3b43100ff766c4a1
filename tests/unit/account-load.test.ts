// @vitest-environment happy-dom
/**
 * Issue 20: a new phone (no app database) opens at the login page without loading the database
 * code, and asking does not create the database; a phone whose database holds a session still
 * reads it at start.
 */
import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useAccountStore } from '@/app/session/account.store'
import { APP_DB_NAME, appDbIsAbsent } from '@/db/appDbName'

const names = async () => (await indexedDB.databases()).map((d) => d.name)

beforeEach(() => setActivePinia(createPinia()))

describe('the start-up session check', () => {
  it('finds no session on a phone without the app database, and creates none', async () => {
    expect(await appDbIsAbsent()).toBe(true)
    const account = useAccountStore()
    await account.load()
    expect(account.loaded).toBe(true)
    expect(account.isLoggedIn).toBe(false)
    expect(await names()).not.toContain(APP_DB_NAME)
  })

  it('reads the kept session once the database exists', async () => {
    const [{ appDb }, { setMeta }, { session }] = await Promise.all([import('@/db/appDb'), import('@/db/meta'), import('../component/helpers')])
    await setMeta(appDb(), 'session', session)
    expect(await appDbIsAbsent()).toBe(false)
    const account = useAccountStore()
    await account.load()
    expect(account.isLoggedIn).toBe(true)
    expect(account.user?.name).toBe(session.user.name)
    expect(account.deviceId).not.toBe('')
  })
})
