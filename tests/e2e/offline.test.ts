/**
 * Sync, end to end, as a grid worker lives it: signed in and synced, the signal drops; the worker
 * reports issues with no network, closes and reopens the app (still offline: the service worker
 * serves the app, IndexedDB keeps the records), then gets signal back and taps 立即同步. The
 * server must then hold each record exactly once — checked from Node through the HTTP API as the
 * supervisor, who sees the whole community.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { TABS, apiLogin, chooseCategory, apiPullAll, clickSyncNow, loginInUi, openMine, shownPending, tab, waitForShownPending, waitForSynced, reloadUnlocked } from './harness'
import { demoWorld } from './world'

async function reportIssue(page: Page, title: string): Promise<void> {
  await tab(page, '事件').click()
  await page.getByRole('link', { name: '上报事件' }).or(page.getByRole('button', { name: '上报事件' })).first().click()
  await page.getByLabel('标题').fill(title)
  await chooseCategory(page, '环境卫生')
  await page.getByRole('button', { name: '提交' }).click()
  // Saved on the phone: back on the list, with the new issue in it.
  await page.getByText(title, { exact: true }).waitFor({ timeout: 15_000 })
}

describe('offline work reaches the server exactly once (issue: Sync)', () => {
  const world = demoWorld()

  it('reports issues offline, survives a reload offline, and syncs each once', { timeout: 180_000 }, async () => {
    const page = await world.context.newPage()
    const stamp = Date.now().toString(36)
    const titles = [`离线上报 楼道堆物 ${stamp}`, `离线上报 路灯不亮 ${stamp}`]

    await loginInUi(page, world.server.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    // The app is installed: its service worker controls the page (it will serve the app offline).
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })

    // No signal in the stairwell.
    await world.context.setOffline(true)
    for (const title of titles) await reportIssue(page, title)
    await openMine(page)
    const pending = await shownPending(page)
    expect(pending, 'each report is queued on the phone').toBeGreaterThanOrEqual(titles.length)

    // The worker closes and reopens the app, still offline.
    await reloadUnlocked(page)
    for (const name of TABS) await tab(page, name).waitFor({ timeout: 15_000 })
    await tab(page, '事件').click()
    for (const title of titles) await page.getByText(title, { exact: true }).waitFor({ timeout: 15_000 })
    await openMine(page)
    expect(await shownPending(page), 'the queue survives the reload').toBe(pending)

    // Signal again: 立即同步.
    await world.context.setOffline(false)
    await clickSyncNow(page)
    await waitForShownPending(page, 0, 60_000)
    await waitForSynced(page)
    await page.getByText('同步完成').waitFor({ timeout: 30_000 })

    // The server has each record exactly once.
    const supervisor = await apiLogin(world.server.url, 'supervisor')
    const feed = await apiPullAll(world.server.url, supervisor.token)
    for (const title of titles) {
      const issues = feed.filter((c) => c.entity === 'issues' && c.data.title === title)
      expect(issues.map((c) => c.id), `server copies of "${title}"`).toHaveLength(1)
      expect(issues[0].deleted).toBe(false)
      const reported = feed.filter((c) => c.entity === 'issueEvents' && c.data.issueId === issues[0].id && c.data.type === 'reported')
      expect(reported, `"reported" events of "${title}"`).toHaveLength(1)
    }

    // A second 立即同步 sends nothing again and still leaves one copy each.
    await clickSyncNow(page)
    await waitForSynced(page)
    const again = await apiPullAll(world.server.url, supervisor.token)
    for (const title of titles) {
      expect(again.filter((c) => c.entity === 'issues' && c.data.title === title)).toHaveLength(1)
    }

    // And the list now marks them as synced.
    await tab(page, '事件').click()
    for (const title of titles) {
      const item = page.locator('li').filter({ hasText: title })
      await item.getByText('已同步').waitFor({ timeout: 15_000 })
    }
  })
})
