/**
 * Issue 18, a first start without the demo (`npm run serve`, FULLGRID_DEMO unset): the server
 * prints a one-time set-up address; at 1,366 × 768 the street office creates its first admin
 * there (首次设置), is signed in and lands on the set-up guide; after creating a community on
 * 社区与网格, step 1 of the guide is done. The same address then refuses a second use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchBrowser, startServer, type RunningServer, passLockAfterLogin, gotoUnlocked } from './harness'

describe('first start without the demo (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    server = await startServer({ demo: false })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('set-up address → first admin → the guide → a community makes step 1 done', { timeout: 240_000 }, async () => {
    const [, address] = await server!.waitForOutput(/Create one \(首次设置\) at (http:\/\/\S+\/console\/setup#t=[A-Za-z0-9_-]+)/)
    expect(address.startsWith(server!.url)).toBe(true)
    expect(server!.output()).not.toContain('Demo accounts')

    const desk = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await desk.newPage()
    await page.goto(address)
    await page.getByRole('heading', { name: '首次设置' }).waitFor()
    await page.getByLabel('姓名').fill('王主任')
    await page.getByLabel('用户名').fill('admin')
    await page.getByLabel('密码', { exact: true }).fill('first-admin-1')
    await page.getByLabel('确认密码').fill('first-admin-1')
    await page.getByRole('button', { name: '创建管理员并登录' }).click()
    await passLockAfterLogin(page)

    // signed in, on the guide: nothing done yet, step 1 next
    await page.waitForURL(/\/console\/admin\/setup$/, { timeout: 30_000 })
    const step = (n: number) => page.locator('.setup-steps__item').nth(n - 1).getByRole('status')
    await expect.poll(() => step(1).textContent(), { timeout: 30_000 }).toBe('未完成 · 下一步')
    expect(await step(4).textContent()).toBe('未完成')
    await page.getByText('王主任 · 管理员').waitFor()

    // step 1 → 社区与网格: a new community
    await page.getByRole('link', { name: '去新建社区' }).click()
    await page.waitForURL(/\/console\/admin\/grids$/)
    await page.getByRole('button', { name: '新建社区' }).click()
    await page.getByLabel('社区名称').fill('新华社区')
    await page.getByLabel('社区编码').fill('XH')
    await page.getByLabel('社区编码').locator('xpath=ancestor::form').getByRole('button', { name: '保存' }).click()
    await page.getByText('已新建社区“新华社区”').waitFor()

    // back to the guide from 设置: step 1 done, step 2 next
    await page.getByRole('link', { name: '设置向导' }).click()
    await page.waitForURL(/\/console\/admin\/setup$/)
    await expect.poll(() => step(1).textContent(), { timeout: 30_000 }).toBe('已完成')
    expect(await step(2).textContent()).toBe('未完成 · 下一步')
    await page.getByText('已有 1 个社区').waitFor()

    // a reload of the console still lands on the guide while the street office is not set up
    await gotoUnlocked(page, `${server!.url}/console`)
    await page.waitForURL(/\/console\/admin\/setup$/, { timeout: 30_000 })

    // this browser is signed in: the address offers no form here
    const same = await desk.newPage()
    await same.goto(address)
    await same.getByText('此浏览器已登录 王主任。如需首次设置，请先退出登录。').waitFor()
    await desk.close()

    // the address is spent: another browser's second use says so in words and offers the login
    const other = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const again = await other.newPage()
    await again.goto(address)
    await again.getByText('已经有管理员账号，首次设置不能再用。请用管理员账号登录。').waitFor()
    expect(await again.locator('form').count()).toBe(0)
    await again.getByRole('link', { name: '去登录' }).waitFor()
    await other.close()
  })
})
