/**
 * Issue 10, end to end in Chromium: a worker reports an issue with no signal; after sync a
 * supervisor dispatches it (派单) to another worker of the same grid; that worker accepts (接单),
 * arrives (到场) and resolves it with a photo (办结); the supervisor rates it (评价) and closes it
 * (销号). The whole timeline shows on the supervisor's and the worker's phone, and the server
 * holds the events in that order (acceptedSeq) and the photo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  apiLogin, apiPullAll, chooseCategory, clickSyncNow, launchBrowser, loginInUi, openMine, startServer, tab, waitForSynced,
  type RunningServer,
} from './harness'

// A 1×1 PNG: a real image for the compressor.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const TIMELINE = ['上报事件', '派单', '接单', '到场', '办结', '评价', '销号']

async function syncNow(page: Page): Promise<void> {
  // Full-screen pages hide the tabs: 返回 first.
  const back = page.locator('.van-nav-bar__left')
  if (await back.isVisible().catch(() => false)) await back.click()
  await openMine(page)
  await clickSyncNow(page)
  await waitForSynced(page, 120_000)
}

/** Opens the issue from the 事件 tab's segment (我的 / 本网格 / 逾期 / 已办结) that lists it now. */
async function openIssue(page: Page, title: string, segment: string): Promise<void> {
  await tab(page, '事件').click()
  await page.getByRole('tab', { name: new RegExp(`^${segment}`) }).click()
  await page.getByText(title, { exact: true }).click()
  await page.getByRole('heading', { name: '处理经过' }).waitFor({ timeout: 15_000 })
}

async function act(page: Page, label: string, fill?: (page: Page) => Promise<void>): Promise<void> {
  await page.locator('.issues-actions__buttons').getByRole('button', { name: label, exact: true }).click()
  if (fill) {
    await fill(page)
    await page.locator('.issues-action-form').getByRole('button', { name: '确定' }).click()
    await page.locator('.issues-action-form').waitFor({ state: 'detached', timeout: 15_000 })
  }
  await page.locator('.issues-timeline').getByText(label, { exact: true }).last().waitFor({ timeout: 15_000 })
}

async function timelineSteps(page: Page): Promise<string[]> {
  return page.locator('.issues-timeline__item strong').allInnerTexts()
}

describe('issue lifecycle in the browser (issue 10)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    server = await startServer({ demo: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await server?.stop()
  })

  async function phone(username: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser!.newContext({ locale: 'zh-CN' })
    contexts.push(context)
    const page = await context.newPage()
    await loginInUi(page, server!.url, username)
    await openMine(page)
    await waitForSynced(page, 120_000)
    return { page, context }
  }

  it('reported offline, dispatched, accepted, arrived, resolved with a photo, rated and closed', { timeout: 600_000 }, async () => {
    const title = `楼道堆放杂物 ${Date.now().toString(36)}`
    const w1 = await apiLogin(server!.url, 'worker01')
    const w2 = await apiLogin(server!.url, 'worker02')
    expect(w2.user.gridIds, 'worker01 and worker02 share a grid in the demo').toEqual(w1.user.gridIds)

    // 1. worker01 reports with no signal.
    const reporter = await phone('worker01')
    await reporter.page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })
    await reporter.context.setOffline(true)
    await tab(reporter.page, '事件').click()
    await reporter.page.getByRole('link', { name: '上报事件' }).or(reporter.page.getByRole('button', { name: '上报事件' })).first().click()
    await reporter.page.getByLabel('标题').fill(title)
    await chooseCategory(reporter.page, '消防安全')
    await reporter.page.getByText('微网格事项：1 天内办结').waitFor()
    // The place: a building picked from the ledger (buildings are offered besides flats).
    await reporter.page.getByPlaceholder('输入地址、楼栋或户主姓名').fill('号楼')
    const building = reporter.page.locator('.issues-place__option').filter({ hasText: /^楼栋/ }).first()
    const place = (await building.innerText()).replace(/^楼栋\s*/, '').trim()
    expect(place).toMatch(/^\S+ \d+号楼$/)
    await building.click()
    await reporter.page.getByRole('button', { name: '提交' }).click()
    const row = reporter.page.locator('.issues-item').filter({ hasText: title })
    await row.getByText('待同步').waitFor({ timeout: 15_000 })
    await reporter.context.setOffline(false)
    await syncNow(reporter.page)

    // 2. The supervisor dispatches it to worker02.
    const sup = await phone('supervisor')
    await openIssue(sup.page, title, '本网格')
    // The place reads as the building, not as coordinates.
    await sup.page.locator('.issues-facts').getByText(place, { exact: true }).waitFor()
    expect(await sup.page.locator('.issues-facts').innerText()).not.toMatch(/\d+\.\d{4,}/)
    await act(sup.page, '派单', async (p) => {
      await p.locator('.issues-action-form .van-radio').filter({ hasText: w2.user.name }).click()
    })
    await syncNow(sup.page)

    // 3. worker02 accepts, arrives, resolves with a photo.
    const doer = await phone('worker02')
    await openIssue(doer.page, title, '我的')
    await act(doer.page, '接单')
    await act(doer.page, '到场')
    await act(doer.page, '办结', async (p) => {
      await p.locator('.issues-action-form textarea[name="note"]').fill('杂物已清理，楼道畅通')
      await p.locator('.issues-action-form input[type="file"]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: PNG })
      await p.locator('.issues-action-form .photo-field__item').waitFor({ timeout: 30_000 })
    })
    await syncNow(doer.page)

    // 4. The supervisor rates and closes.
    await syncNow(sup.page)
    await openIssue(sup.page, title, '已办结')
    await act(sup.page, '评价', async (p) => {
      await p.locator('.issues-action-form textarea[name="note"]').fill('电话回访，居民满意')
    })
    await act(sup.page, '销号')
    await syncNow(sup.page)

    // 5. The whole timeline on both sides.
    await openIssue(sup.page, title, '已办结')
    expect(await timelineSteps(sup.page)).toEqual(TIMELINE)
    expect(await sup.page.locator('.issues-timeline').getByText('待同步').count()).toBe(0)
    await syncNow(doer.page)
    await openIssue(doer.page, title, '已办结')
    await doer.page.locator('.issues-timeline').getByText('销号', { exact: true }).waitFor({ timeout: 30_000 })
    expect(await timelineSteps(doer.page)).toEqual(TIMELINE)
    await doer.page.getByText('已销号').first().waitFor()

    // 6. The server: the events in that order, and the photo.
    const admin = await apiLogin(server!.url, 'supervisor')
    const changes = await apiPullAll(server!.url, admin.token)
    const issue = changes.find((c) => c.entity === 'issues' && c.data.title === title)!
    const events = changes
      .filter((c) => c.entity === 'issueEvents' && c.data.issueId === issue.id)
      .sort((a, b) => Number(a.data.acceptedSeq) - Number(b.data.acceptedSeq))
    expect(events.map((e) => [e.data.type, e.data.acceptedSeq])).toEqual(
      ['reported', 'assigned', 'accepted', 'arrived', 'resolved', 'rated', 'closed'].map((t, i) => [t, i + 1]),
    )
    const photo = (events[4].data.data as { photoIds: string[] }).photoIds[0]
    const blob = await fetch(`${server!.url}/api/blobs/${photo}`, { headers: { authorization: `Bearer ${admin.token}` } })
    expect(blob.status).toBe(200)
  })
})
