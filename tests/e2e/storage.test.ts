/**
 * A full phone (issue 12, DESIGN §7): Chromium's quota for the app is cut to what it already
 * uses plus a little, and the rest is filled until IndexedDB answers QuotaExceededError. The
 * worker then saves a visit: the app says plainly that storage is full, keeps what was typed, and
 * loses nothing stored. Once space is freed the same form saves, and the server gets the visit
 * exactly once; the households and every earlier record are still on the phone.
 */
import { describe, expect, it, afterAll, beforeAll } from 'vitest'
import type { Page } from 'playwright-core'
import { apiLogin, apiPullAll, clickSyncNow, launchProfile, loginInUi, openMine, startServer, tab, waitForShownPending, waitForSynced, type Profile, type RunningServer, gotoUnlocked } from './harness'

async function shownHouseholds(page: Page): Promise<number> {
  const text = await page.getByText(/本机住户：[\d,]+\s*户/).innerText({ timeout: 30_000 })
  return Number(/本机住户：([\d,]+)/.exec(text)![1].replace(/,/g, ''))
}

/** Another database of the same origin grows by 256 KB until the browser refuses (QuotaExceededError). */
function fillStorage(page: Page): Promise<{ chunks: number; error: string }> {
  return page.evaluate(
    () =>
      new Promise<{ chunks: number; error: string }>((resolve, reject) => {
        const open = indexedDB.open('storage-test-ballast', 1)
        open.onupgradeneeded = () => open.result.createObjectStore('chunks', { autoIncrement: true })
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          let chunks = 0
          const next = () => {
            if (chunks > 1000) return resolve({ chunks, error: 'never full' })
            const tx = db.transaction('chunks', 'readwrite')
            // Random bytes: Chromium compresses IndexedDB values, so zeros would hardly count.
            const bytes = new Uint8Array(256 * 1024)
            for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536))
            tx.objectStore('chunks').add(bytes.buffer)
            tx.oncomplete = () => (chunks++, next())
            tx.onabort = () => {
              db.close()
              resolve({ chunks, error: tx.error?.name ?? 'aborted' })
            }
          }
          next()
        }
      }),
  )
}

function freeStorage(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const del = indexedDB.deleteDatabase('storage-test-ballast')
        del.onsuccess = () => resolve()
        del.onerror = () => reject(del.error)
      }),
  )
}

describe('a full phone loses nothing (issue 12)', () => {
  let server: RunningServer
  let profile: Profile
  beforeAll(async () => {
    server = await startServer()
    profile = await launchProfile()
  })
  afterAll(async () => {
    await profile?.close()
    await server?.stop()
  })

  it('refuses a visit plainly when storage is full, keeps the input, and saves it once space is back', { timeout: 240_000 }, async () => {
    const page = await profile.context.newPage()
    // A phone with little room: Chromium applies a quota override only to storage created after
    // it, so it is set before the app stores anything (80 MB: the app and a worker's grids fit).
    const cdp = await profile.context.newCDPSession(page)
    const origin = new URL(server.url).origin
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 80 * 1024 * 1024 })
    await loginInUi(page, server.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    await page.getByText('已使用').waitFor()
    await tab(page, '今日').click()
    const households = await shownHouseholds(page)

    await page.getByRole('list', { name: '今日应访住户' }).getByRole('link').first().click()
    await page.waitForURL(/\/ledger\/h\//)
    const household = page.url()
    await page.getByRole('link', { name: '入户走访' }).or(page.getByRole('button', { name: '入户走访' })).first().click()
    const notes = `存储已满时的走访 ${Date.now().toString(36)}`
    await page.getByLabel('见到本人').check()
    for (const group of await page.locator('fieldset').filter({ has: page.getByLabel('是', { exact: true }) }).all()) {
      await group.getByLabel('是', { exact: true }).check()
    }
    for (const label of ['健康状况清', '家庭情况清', '诉求需求清']) await page.getByLabel(label).fill('正常')
    await page.getByRole('textbox', { name: '走访记录' }).fill(notes)

    // The phone runs out of space: other data fills it to the last byte.
    const filled = await fillStorage(page)
    expect(filled.error, `IndexedDB refused after ${filled.chunks} chunks`).toBe('QuotaExceededError')

    await page.getByRole('button', { name: '保存走访' }).click()
    await page.getByText(/手机存储空间不足/).first().waitFor({ timeout: 30_000 })
    expect(page.url(), 'still on the form').toMatch(/\/visits\/new\//)
    expect(await page.getByRole('textbox', { name: '走访记录' }).inputValue(), 'what was typed is still there').toBe(notes)

    // The worker frees space; the same form saves.
    await freeStorage(page)
    await page.getByRole('button', { name: '保存走访' }).click()
    await page.waitForURL(household, { timeout: 30_000 })
    await page.locator('.ledger-timeline__item').filter({ hasText: notes }).waitFor({ timeout: 30_000 })

    // Nothing stored was lost: the households are all there, and the visit syncs exactly once.
    await gotoUnlocked(page, server.url)
    expect(await shownHouseholds(page)).toBe(households)
    // The app may already have sent it (it syncs soon after a write); 立即同步 makes sure.
    await openMine(page)
    await clickSyncNow(page)
    await waitForShownPending(page, 0, 60_000)
    await waitForSynced(page)
    const supervisor = await apiLogin(server.url, 'supervisor')
    const feed = await apiPullAll(server.url, supervisor.token)
    expect(feed.filter((c) => c.entity === 'visits' && c.data.notes === notes)).toHaveLength(1)
  })
})
