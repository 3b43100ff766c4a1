/**
 * Issue 19, background sync while locked: a report written with no signal waits in the sealed
 * outbox; the phone is locked (锁定), the signal comes back, and the service worker's Background
 * Sync (dispatched through the DevTools protocol, as Chromium does when the network returns) sends
 * its escrow copy: the server has the report while the phone is still locked. At the unlock the
 * page's push sends the same mutation, answered as already accepted: 待同步 0, one report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiLogin, apiPullAll, chooseCategory, clickSyncNow, launchProfile, loginInUi, openMine, shownPending, startServer, tab, unlockInUi, waitForSynced, type Profile, type RunningServer } from './harness'

/** The outbox rows as IndexedDB holds them (below the app's sealing): which carry an escrow copy. */
function rawOutbox(page: Page): Promise<{ id: string; escrow: boolean; sealed: boolean }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('fullgrid')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const req = db.transaction('outbox', 'readonly').objectStore('outbox').getAll()
          req.onerror = () => reject(req.error)
          req.onsuccess = () => {
            resolve(req.result.map((r: Record<string, unknown>) => ({ id: String(r.id), escrow: !!r.escrow, sealed: '\u0000sealed' in r })))
            db.close()
          }
        }
      }),
  )
}

describe('background sync while locked (issue 19)', () => {
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

  it('the service worker sends the escrow copy of an offline report while the phone is locked', { timeout: 240_000 }, async () => {
    const worker = await apiLogin(server.url, 'worker01')
    const page = await profile.context.newPage()
    await loginInUi(page, server.url, 'worker01') // 设置PIN码 is part of it
    await openMine(page)
    await waitForSynced(page, 120_000)
    // A sync after the PIN: it fetches the server's escrow key and opens this unlock's session.
    await clickSyncNow(page)
    await waitForSynced(page)
    // Opened again (the service worker controls the page from its second load on): the unlock opens the session.
    await page.reload()
    await unlockInUi(page)
    await openMine(page)
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })

    const title = `楼道堆放杂物 ${Date.now()}`
    await profile.context.setOffline(true)
    await tab(page, '事件').click()
    await page.getByRole('link', { name: '上报事件' }).or(page.getByRole('button', { name: '上报事件' })).first().click()
    await page.getByLabel('标题').fill(title)
    await page.getByLabel('描述').fill('三楼楼道')
    await chooseCategory(page, '消防安全')
    await page.getByRole('button', { name: '提交' }).click()
    await page.getByText(title, { exact: true }).waitFor({ timeout: 15_000 })
    await openMine(page)
    expect(await shownPending(page)).toBeGreaterThan(0)
    const waiting = await rawOutbox(page)
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.every((r) => r.sealed && r.escrow)).toBe(true)

    await page.getByRole('button', { name: '锁定' }).click()
    await page.waitForURL(/\/lock/)
    await profile.context.setOffline(false)

    const cdp = await profile.context.newCDPSession(page)
    const registrations: { registrationId: string; scopeURL: string }[] = []
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => registrations.push(...e.registrations))
    await cdp.send('ServiceWorker.enable')
    await expect.poll(() => registrations.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const origin = new URL(server.url).origin
    const reg = registrations.find((r) => r.scopeURL.startsWith(origin))!
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: reg.registrationId, tag: 'fullgrid-sync', lastChance: false })

    const reportsOnServer = async () => (await apiPullAll(server.url, worker.token)).filter((c) => c.entity === 'issues' && c.data.title === title)
    await expect.poll(async () => (await reportsOnServer()).length, { timeout: 60_000, interval: 500 }).toBe(1)
    // Still locked, and the worker deleted nothing: the rows wait for the page's push.
    expect(page.url()).toMatch(/\/lock/)
    expect((await rawOutbox(page)).map((r) => r.id).sort()).toEqual(waiting.map((r) => r.id).sort())

    await unlockInUi(page)
    await openMine(page)
    await waitForSynced(page)
    expect(await rawOutbox(page)).toEqual([])
    expect(await reportsOnServer()).toHaveLength(1)
  })
})
