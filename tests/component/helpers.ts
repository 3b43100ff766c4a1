import { h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, RouterView } from 'vue-router'
import { afterAll, vi } from 'vitest'
import { appDb, setMeta } from '@/db'
import type { LoginResponse } from '@/domain/auth'
import { createAppRouter } from '@/app/router'
import { i18n } from '@/app/i18n'
import { useSyncStore } from '@/app/session/sync.store'
import { KeyVault, type KdfParams } from '@/db/crypto'

/** The PIN the helpers set; a cheap Argon2id keeps each test's setPin in milliseconds. */
export const TEST_PIN = '135790'
export const TEST_KDF: KdfParams = { kind: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 }
/** The app's own vault (src/db/phoneLock.ts), opened beside it with the cheap KDF. */
export const testVault = () => new KeyVault('fullgrid-keys', { kdf: TEST_KDF })

export const session: LoginResponse = {
  token: 'tok_abcdefghijklmnopqrstuvwxyz',
  user: { id: '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9d', name: '李秀兰', role: 'worker', gridIds: ['0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c9e'] },
  expiresAt: Date.now() + 30 * 86_400_000,
}

/** Empty every table of the app database between tests (the singleton stays open). */
export async function resetDb(): Promise<void> {
  const db = appDb()
  // No PIN and no key in memory: the next test starts on a plain store (mountApp sets a PIN).
  await testVault().wipe()
  await Promise.all(db.tables.map((t) => t.clear()))
}

export async function saveTestSession(): Promise<void> {
  await setMeta(appDb(), 'session', session)
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

// Vant's tab bar with safe-area-inset measures itself 100, 200 and 300 ms after mounting, on
// timers nothing cancels; let them fire before the file's DOM environment is torn down.
const VANT_LATE_TIMERS_MS = 350
afterAll(() => new Promise((r) => setTimeout(r, VANT_LATE_TIMERS_MS)))

const mounted: Array<{ unmount(): void }> = []
const pinias: ReturnType<typeof createPinia>[] = []

/**
 * Unmount what the tests mounted. Vant's dialog is a singleton mounted into <body> once, so the
 * body itself is never wiped between tests.
 */
export function unmountAll(): void {
  for (const w of mounted.splice(0)) w.unmount()
  // The shell starts syncing; its timers must not outlive the test that mounted it.
  for (const p of pinias.splice(0)) useSyncStore(p).stop()
}

/** Mount the real router and guard at `path`, as the app does on start. */
/**
 * The app at `path`. Unless `pin: false`, as a phone past 设置PIN码 and unlocked (issue 19), so
 * the page itself opens rather than the lock screen; `locked: true` leaves the PIN set but locked.
 */
export async function mountApp(path: string, opts: { pin?: boolean; locked?: boolean } = {}) {
  if (opts.pin !== false) {
    const vault = testVault()
    if (!(await vault.hasPin())) await vault.setPin(TEST_PIN)
    if (opts.locked) vault.lock()
  }
  const pinia = createPinia()
  setActivePinia(pinia)
  pinias.push(pinia)
  const router = createAppRouter(createMemoryHistory())
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  mounted.push(wrapper)
  await router.push(path)
  await router.isReady()
  await settle()
  return { wrapper, router, pinia }
}

/** Let lazy route components, IndexedDB and fetch promises finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await settle()
  }
}

/** The calls a stubbed fetch got for one API path prefix (the shell's sync adds its own calls). */
export function callsTo(fetch: { mock: { calls: unknown[][] } }, prefix: string) {
  return fetch.mock.calls.filter(([url]) => String(url).startsWith(prefix)) as [string, RequestInit | undefined][]
}

export function stubFetch(handler: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => handler(String(input), init))
  vi.stubGlobal('fetch', fn)
  return fn
}

/** A button on the page (dialogs included, which Vant mounts in <body>) by its visible label. */
export function button(text: string): HTMLButtonElement {
  const found = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)
  if (!found) throw new Error(`no button ${text}`)
  return found
}
