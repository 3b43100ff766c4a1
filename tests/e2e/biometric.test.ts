/**
 * 指纹/面容解锁 (issue 19) in Chromium with a virtual platform authenticator (CDP WebAuthn, with
 * user verification and the prf extension): the worker turns it on at 我的, locks, and opens the
 * phone with it — after 锁定 and after a reload — and the grid's households are readable again.
 * WebAuthn needs a domain, so the app is opened as localhost (an IP address offers no credential).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchBrowser, loginInUi, openMine, startServer, storedHouseholds, tab, type RunningServer } from './harness'

describe('fingerprint / face unlock (issue 19)', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    server = await startServer({ demo: true, households: 40 })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('turns on at 我的, then opens the phone after 锁定 and after a reload', { timeout: 240_000 }, async () => {
    const url = server.url.replace('127.0.0.1', 'localhost')
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true },
    })

    await loginInUi(page, url, 'worker01')
    await openMine(page)
    await page.getByRole('button', { name: '开启指纹/面容解锁' }).click()
    await page.getByRole('status').filter({ hasText: '已开启指纹/面容解锁' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '关闭指纹/面容解锁' }).waitFor()
    await expect.poll(() => storedHouseholds(page), { timeout: 60_000 }).toBeGreaterThan(0)
    const households = await storedHouseholds(page)

    await page.getByRole('button', { name: '锁定' }).click()
    await page.getByRole('heading', { name: '输入PIN码' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '指纹/面容解锁' }).click()
    await page.waitForURL((u) => !u.pathname.startsWith('/lock'), { timeout: 60_000 })
    await tab(page, '我的').waitFor({ timeout: 30_000 })
    // The households read with the key the fingerprint opened.
    expect(await storedHouseholds(page)).toBe(households)

    // A reopened app: the key is gone with the page, the fingerprint brings it back.
    await page.reload()
    await page.getByRole('heading', { name: '输入PIN码' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '指纹/面容解锁' }).click()
    await page.waitForURL((u) => !u.pathname.startsWith('/lock'), { timeout: 60_000 })
    expect(await storedHouseholds(page)).toBe(households)

    // Turned off, the lock screen offers the PIN only.
    await openMine(page)
    await page.getByRole('button', { name: '关闭指纹/面容解锁' }).click()
    await page.getByRole('button', { name: '确认' }).click()
    await page.getByRole('button', { name: '开启指纹/面容解锁' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '锁定' }).click()
    await page.getByRole('heading', { name: '输入PIN码' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '解锁' }).waitFor()
    expect(await page.getByRole('button', { name: '指纹/面容解锁' }).count()).toBe(0)
    await context.close()
  })
})
