/**
 * A grid worker opens the app, signs in with the account the community gave them, and lands in
 * the worker shell with its five bottom tabs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { TABS, launchBrowser, loginInUi, startServer, tab, type RunningServer } from './harness'

describe('login (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    server = await startServer({ demo: true })
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('signs in as worker01 by the visible labels and shows the five tabs', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext({ locale: 'zh-CN' })
    try {
      const page = await context.newPage()
      await loginInUi(page, server!.url, 'worker01')
      for (const name of TABS) {
        await expect(tab(page, name).isVisible(), `tab ${name} visible`).resolves.toBe(true)
      }
    } finally {
      await context.close()
    }
  })

  it('refuses a wrong password and stays on the login page', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext({ locale: 'zh-CN' })
    try {
      const page = await context.newPage()
      await page.goto(server!.url)
      await page.getByLabel('账号').fill('worker01')
      await page.getByLabel('密码').fill('wrong-password')
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'))
      await page.getByRole('button', { name: '登录' }).click()
      expect((await answer).status()).toBe(401)
      await expect(page.getByLabel('账号').isVisible()).resolves.toBe(true)
      await expect(tab(page, '住户').isVisible()).resolves.toBe(false)
    } finally {
      await context.close()
    }
  })
})
