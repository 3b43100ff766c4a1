// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Repository, appDb, ensureDeviceId, getMeta, setMeta } from '@/db'
import { startEscrowSession } from '@/db/escrow'
import type { EscrowEnvelope } from '@/domain/escrow'
import { envelopeOpener, type EscrowKey } from '../../server/sync/escrowKey'
import * as f from '../factories'
import { isUnlocked } from '@/db/crypto'
import { isSealed } from '@/db/crypto/middleware'
import type { OutboxEntry } from '@/domain/sync'
import { TEST_KDF, TEST_PIN, button, callsTo, jsonResponse, mountApp, resetDb, saveTestSession, session, stubFetch, testVault, until, unmountAll } from './helpers'

// The app's vault derives with the phone's Argon2id (19 MiB); these tests set the vault's PIN
// with the cheap KDF through the helpers, or through the page (where the real one runs once).
vi.mock('@/db/crypto/kdf', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/db/crypto/kdf')>()
  return { ...real, defaultKdf: () => TEST_KDF }
})

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  stubFetch(() => jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

function input(id: string): HTMLInputElement {
  const el = document.querySelector<HTMLInputElement>(`#${id}`)
  if (!el) throw new Error(`no input #${id}`)
  return el
}

async function type(id: string, value: string) {
  const el = input(id)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await Promise.resolve()
}

async function waitingRecords(n: number) {
  const entries = Array.from({ length: n }, (_, i) => ({ id: `m${i}`, entity: 'households', recordId: `r${i}`, op: 'put', fields: {}, hlc: '1', queuedAt: 1, attempts: 0 }) as unknown as OutboxEntry)
  await appDb().outbox.bulkAdd(entries)
}

/** The rows as IndexedDB holds them, below the app's sealing middleware. */
async function rawRows(table: string): Promise<unknown[]> {
  const raw = new Dexie('fullgrid')
  await raw.open()
  try {
    return await raw.table(table).toArray()
  } finally {
    raw.close()
  }
}

describe('设置PIN码', () => {
  it('comes right after login, refuses a guessable or mistyped PIN, then seals what the phone holds', async () => {
    await waitingRecords(2)
    const { wrapper, router } = await mountApp('/ledger', { pin: false })
    await until(() => router.currentRoute.value.name === 'set-pin')
    expect(router.currentRoute.value.query.redirect).toBe('/ledger')
    await until(() => wrapper.text().includes('设置PIN码'))

    await type('pin-new', '123456')
    await type('pin-repeat', '123456')
    button('设置PIN码').click()
    await until(() => wrapper.text().includes('PIN码太简单'))

    await type('pin-new', '480261')
    await type('pin-repeat', '480216')
    button('设置PIN码').click()
    await until(() => wrapper.text().includes('两次输入的PIN码不一致'))
    expect(await testVault().hasPin()).toBe(false)

    await type('pin-repeat', '480261')
    button('设置PIN码').click()
    await until(() => router.currentRoute.value.path === '/ledger', 5000)
    expect(await testVault().hasPin()).toBe(true)
    // The outbox written before the PIN is sealed now, and still all there.
    const outbox = await rawRows('outbox')
    expect(outbox).toHaveLength(2)
    expect(outbox.every(isSealed)).toBe(true)
    expect(JSON.stringify(outbox)).not.toContain('households')
    expect(await appDb().outbox.count()).toBe(2)
    expect((await appDb().outbox.get('m0'))?.entity).toBe('households')
  })
})

describe('输入PIN码', () => {
  it('opens every start; the right PIN goes on to the page asked for', async () => {
    const { wrapper, router } = await mountApp('/me', { locked: true })
    await until(() => router.currentRoute.value.name === 'unlock')
    await until(() => wrapper.text().includes('李秀兰，请输入PIN码解锁'))
    await type('pin-unlock', TEST_PIN)
    button('解锁').click()
    await until(() => router.currentRoute.value.path === '/me', 5000)
    expect(isUnlocked()).toBe(true)
  })

  it('counts wrong PINs, warns with the unsynced count before the last, and wipes on the fifth', async () => {
    await mountApp('/today') // sets the PIN (unlocked) so the waiting records are sealed
    unmountAll()
    await waitingRecords(3)
    await testVault().lock()
    const { wrapper, router } = await mountApp('/today', { locked: true })
    await until(() => router.currentRoute.value.name === 'unlock')

    for (const remaining of [4, 3, 2]) {
      await type('pin-unlock', '000001')
      button('解锁').click()
      await until(() => wrapper.text().includes(`PIN码错误，还可尝试 ${remaining} 次`))
    }
    await type('pin-unlock', '000001')
    button('解锁').click()
    await until(() => wrapper.text().includes('再错一次将清除本机全部数据，其中 3 条记录尚未同步'))
    expect(await appDb().outbox.count()).toBe(3)

    const assign = vi.fn()
    vi.stubGlobal('location', { ...globalThis.location, assign })
    await type('pin-unlock', '000001')
    button('解锁').click()
    await until(() => document.body.textContent!.includes('PIN码连续错误 5 次，本机数据已清除'))
    expect(await testVault().hasPin()).toBe(false)
    expect(await appDb().outbox.count()).toBe(0)
    expect(await getMeta(appDb(), 'session')).toBeUndefined()
  })

  it('before the wipe sends the escrow copies of the waiting records, and says how many went and how many were lost', async () => {
    // The server: its escrow key, and a push-escrowed that opens each envelope (server/sync/escrowKey.ts).
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
    const serverKey: EscrowKey = { kid: 'k1', publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, privateKey: pair.privateKey }
    const open = envelopeOpener(serverKey)
    const received: { deviceId: string; mutation: { id: string; entity: string; fields: Record<string, unknown> } }[] = []
    const fetch = stubFetch(async (url, init) => {
      if (!url.endsWith('/api/sync/push-escrowed')) return jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' })
      const body = JSON.parse(String(init!.body)) as { items: { id: string; envelope: EscrowEnvelope }[] }
      const results = []
      for (const it of body.items) {
        received.push((await open(it.envelope)) as (typeof received)[number])
        results.push({ mutationId: it.id, status: 'applied' })
      }
      return jsonResponse({ results })
    })

    await mountApp('/today') // sets the PIN, unlocked
    unmountAll()
    const db = appDb()
    const deviceId = await ensureDeviceId(db, () => 'phone-li')
    await setMeta(db, 'escrowKey', { kid: serverKey.kid, publicKey: serverKey.publicKey })
    expect(await startEscrowSession(db)).toBe(true)
    const repo = new Repository(db)
    const gridId = session.user.gridIds[0]!
    const a = await repo.create('households', (({ id: _i, ...r }) => r)(f.newRecord(f.household(gridId, { headName: '王秀英' }))))
    await repo.update('households', a.id, { notes: '独居' })
    await repo.create('households', (({ id: _i, ...r }) => r)(f.newRecord(f.household(gridId, { headName: '赵大山' }))))
    await waitingRecords(1) // written before this version: no escrow copy
    await testVault().lock()

    const { wrapper, router } = await mountApp('/today', { locked: true })
    await until(() => router.currentRoute.value.name === 'unlock')
    for (const remaining of [4, 3, 2]) {
      await type('pin-unlock', '000001')
      button('解锁').click()
      await until(() => wrapper.text().includes(`PIN码错误，还可尝试 ${remaining} 次`))
    }
    await type('pin-unlock', '000001')
    button('解锁').click()
    await until(() => wrapper.text().includes('再错一次将清除本机全部数据，其中 3 条记录尚未同步：清除前（有网络时）先将其中 2 条发送到服务器，1 条将会丢失'))
    expect(callsTo(fetch, '/api/sync/push-escrowed')).toHaveLength(0)

    const assign = vi.fn()
    vi.stubGlobal('location', { ...globalThis.location, assign })
    await type('pin-unlock', '000001')
    button('解锁').click()
    await until(() => document.body.textContent!.includes('清除前已将 2 条未同步记录发送到服务器，1 条未能发送，已丢失'))
    // The server got the three changes of the two records, as the phone wrote them, then the phone was wiped.
    expect(received.map((r) => r.deviceId)).toEqual([deviceId, deviceId, deviceId])
    expect(received.map((r) => r.mutation.fields.headName ?? r.mutation.fields.notes)).toEqual(['王秀英', '独居', '赵大山'])
    expect(callsTo(fetch, '/api/sync/push-escrowed')[0]![1]!.headers).toMatchObject({ authorization: `Bearer ${session.token}` })
    expect(await testVault().hasPin()).toBe(false)
    expect(await appDb().outbox.count()).toBe(0)
  })

  it('a malformed PIN is refused without counting as a try', async () => {
    const { wrapper, router } = await mountApp('/today', { locked: true })
    await until(() => router.currentRoute.value.name === 'unlock')
    await type('pin-unlock', '12a')
    button('解锁').click()
    await until(() => wrapper.text().includes('PIN码须为6位数字'))
    expect(await testVault().failures()).toBe(0)
  })
})

describe('锁定', () => {
  it('on 我的 forgets the key at once and starts the app again at 输入PIN码 for this page', async () => {
    const assign = vi.fn()
    vi.stubGlobal('location', { ...globalThis.location, assign })
    const { wrapper } = await mountApp('/me')
    await until(() => wrapper.text().includes('锁定'))
    button('锁定').click()
    await until(() => assign.mock.calls.length > 0)
    expect(isUnlocked()).toBe(false)
    expect(assign).toHaveBeenCalledWith('/lock?redirect=%2Fme')
    vi.unstubAllGlobals()
    stubFetch(() => jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' }))

    // The fresh start at that address: the PIN, then 我的 again.
    unmountAll()
    const { router } = await mountApp('/lock?redirect=%2Fme', { locked: true })
    await until(() => document.querySelector('#pin-unlock') !== null)
    await type('pin-unlock', TEST_PIN)
    button('解锁').click()
    await until(() => router.currentRoute.value.path === '/me', 5000)
  })

  it('a page asked for while locked is not shown: the gate sends it to 输入PIN码', async () => {
    const { router } = await mountApp('/me', { locked: true })
    await until(() => router.currentRoute.value.name === 'unlock')
    await router.push('/ledger')
    expect(router.currentRoute.value.name).toBe('unlock')
    await router.push('/lock/set')
    expect(router.currentRoute.value.name).toBe('unlock')
  })
})

describe('忘记PIN码', () => {
  function recoveryKeyOf(bytes: Uint8Array): string {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  }
  const secret = crypto.getRandomValues(new Uint8Array(32))
  const answer = (key: Uint8Array) => ({ token: 'tok_recovered_abcdefghijklmnopqrstu', user: { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9d', name: '李秀兰', role: 'worker', gridIds: ['0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9e'] }, expiresAt: Date.now() + 86_400_000, recoveryKey: recoveryKeyOf(key) })

  it('the password online opens the same records, then a new PIN; the outbox stays', async () => {
    // The phone as after its login: PIN set, the recovery wrap made from the login's answer.
    await mountApp('/today')
    const { holdRecoveryKey } = await import('@/db/phoneLock')
    await holdRecoveryKey(recoveryKeyOf(secret))
    unmountAll()
    await waitingRecords(2)
    await appDb().meta.put({ key: 'sessionUsername', value: 'worker01' })
    await testVault().lock()

    const fetch = stubFetch((url) => (url === '/api/auth/login' ? jsonResponse(answer(secret)) : jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' })))
    const { wrapper, router } = await mountApp('/me', { locked: true })
    await until(() => wrapper.text().includes('忘记PIN码'))
    button('忘记PIN码').click()
    await until(() => router.currentRoute.value.name === 'forgot-pin')
    await until(() => document.querySelector('#forgot-password') !== null)
    await type('forgot-password', 'the-password-1')
    button('验证密码').click()
    await until(() => wrapper.text().includes('密码已验证'), 5000)
    const body = JSON.parse(String(fetch.mock.calls.find(([u]) => u === '/api/auth/login')![1]!.body))
    expect(body).toMatchObject({ username: 'worker01', password: 'the-password-1' })

    await type('pin-new', '602418')
    await type('pin-repeat', '602418')
    button('设置新PIN码').click()
    await until(() => router.currentRoute.value.path === '/me', 5000)
    expect(await appDb().outbox.count()).toBe(2)
    expect((await appDb().outbox.get('m1'))?.recordId).toBe('r1')
    // The new PIN opens the same key; the old one no longer does.
    await testVault().lock()
    expect((await testVault().unlock(TEST_PIN)).ok).toBe(false)
    expect((await testVault().unlock('602418')).ok).toBe(true)
    expect(await appDb().outbox.count()).toBe(2)
  })

  it('another device’s secret opens nothing: only the fresh start is offered', async () => {
    await mountApp('/today')
    const { holdRecoveryKey } = await import('@/db/phoneLock')
    await holdRecoveryKey(recoveryKeyOf(secret))
    unmountAll()
    await appDb().meta.put({ key: 'sessionUsername', value: 'worker01' })
    await testVault().lock()
    stubFetch((url) => (url === '/api/auth/login' ? jsonResponse(answer(crypto.getRandomValues(new Uint8Array(32)))) : jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' })))
    const { wrapper } = await mountApp('/lock/forgot', { locked: true })
    await until(() => document.querySelector('#forgot-password') !== null)
    await type('forgot-password', 'the-password-1')
    button('验证密码').click()
    await until(() => wrapper.text().includes('这台手机无法用密码找回PIN码'), 5000)
    expect(isUnlocked()).toBe(false)
  })

  it('offline it says the password needs the network, and nothing changes', async () => {
    await mountApp('/today')
    const { holdRecoveryKey } = await import('@/db/phoneLock')
    await holdRecoveryKey(recoveryKeyOf(secret))
    unmountAll()
    await appDb().meta.put({ key: 'sessionUsername', value: 'worker01' })
    await testVault().lock()
    stubFetch((url) => (url === '/api/auth/login' ? Promise.reject(new TypeError('Failed to fetch')) : jsonResponse({ tiles: null, timeZone: 'Asia/Shanghai' })))
    const { wrapper } = await mountApp('/lock/forgot', { locked: true })
    await until(() => document.querySelector('#forgot-password') !== null)
    await type('forgot-password', 'the-password-1')
    button('验证密码').click()
    await until(() => wrapper.text().includes('忘记PIN码需要联网验证密码'), 5000)
    expect(await testVault().hasPin()).toBe(true)
  })
})
