/**
 * 离线地图 end to end: the server's base map comes from a tile service the test runs on
 * 127.0.0.1 (generated PNGs). The worker downloads the tiles of their grid, the signal drops,
 * the app is reopened with no network, and the 巡查 map shows the tiles from the phone's cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, loginInUi, openMine, startServer, tab, waitForSynced, type RunningServer, passLockIfAsked } from './harness'
import { startTileServer, type TileServer } from './tileServer'

/**
 * Leaflet's tile images that show a downloaded tile: how many there are and how many finished
 * loading as real 256 px pictures. (The view also reaches past the grid's margin, where no tile
 * was downloaded; those stay blank offline, as they should.)
 */
function downloadedTileImages(page: Page, downloaded: string[]) {
  return page.evaluate((keys) => {
    const wanted = new Set(keys)
    const imgs = [...document.querySelectorAll<HTMLImageElement>('img.leaflet-tile')].filter((i) => wanted.has(/\/api\/tiles\/(\d+\/\d+\/\d+)/.exec(i.src)?.[1] ?? ''))
    return { total: imgs.length, loaded: imgs.filter((i) => i.classList.contains('leaflet-tile-loaded') && i.naturalWidth === 256).length }
  }, downloaded)
}

describe('离线地图: download the grid tiles, then the map works with no network (issue 9)', () => {
  let tiles: TileServer | undefined
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let context: BrowserContext | undefined

  beforeAll(async () => {
    tiles = await startTileServer()
    server = await startServer({ demo: true, env: { FULLGRID_TILE_URL: tiles.template, FULLGRID_TILE_MAX_ZOOM: '17', FULLGRID_TILE_ATTRIBUTION: '测试底图' } })
    browser = await launchBrowser()
    context = await browser.newContext({ locale: 'zh-CN' })
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.stop()
    await tiles?.stop()
  })

  it('estimates, downloads with progress, shows the space used, serves tiles offline, and deletes', { timeout: 240_000 }, async () => {
    const page = await context!.newPage()
    await loginInUi(page, server!.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })

    await page.getByText('离线地图', { exact: true }).click()
    await page.getByRole('radio', { name: '第 13–17 级' }).click()
    const estimate = await page.getByText(/约 \d+ 张瓦片/).innerText()
    const planned = Number(/约 (\d+) 张瓦片/.exec(estimate)![1])
    expect(planned).toBeGreaterThan(4)

    await page.getByRole('button', { name: '下载', exact: true }).click()
    await page.getByText('已下载', { exact: true }).waitFor({ timeout: 120_000 })
    const done = await page.getByText(/\d+ 张瓦片，占用/).innerText()
    expect(Number(/(\d+) 张瓦片/.exec(done)![1])).toBe(planned)
    expect(done).toMatch(/占用 \d+ KB|占用 [\d.]+ MB/)
    expect(new Set(tiles!.requests).size, 'each tile came from the tile service once').toBe(planned)

    // No signal, and the tile service is gone too: the app is reopened and the map still has its tiles.
    await tiles!.stop()
    await context!.setOffline(true)
    await page.goto(`${server!.url}/patrol`).catch(() => undefined)
    await passLockIfAsked(page)
    await tab(page, '巡查').waitFor({ timeout: 30_000 })
    await page.getByRole('region', { name: '网格地图' }).waitFor({ timeout: 30_000 })
    const downloaded = [...new Set(tiles!.requests)]
    await page.waitForFunction(
      (keys) => {
        const wanted = new Set(keys)
        const imgs = [...document.querySelectorAll<HTMLImageElement>('img.leaflet-tile')].filter((i) => wanted.has(/\/api\/tiles\/(\d+\/\d+\/\d+)/.exec(i.src)?.[1] ?? ''))
        return imgs.length >= 4 && imgs.every((i) => i.classList.contains('leaflet-tile-loaded'))
      },
      downloaded,
      { timeout: 30_000 },
    )
    const shown = await downloadedTileImages(page, downloaded)
    expect(shown.total).toBeGreaterThanOrEqual(4)
    expect(shown.loaded, 'every downloaded tile in view is drawn from the cache').toBe(shown.total)
    expect(new Set(tiles!.requests).size, 'nothing more was asked of the tile service').toBe(planned)

    // 删除 frees the space.
    await context!.setOffline(false)
    await tab(page, '我的').click()
    await page.getByText('离线地图', { exact: true }).click()
    await page.getByRole('button', { name: '删除' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '删除' }).click()
    await page.getByText('已下载', { exact: true }).waitFor({ state: 'detached' })
    expect(await page.evaluate(() => caches.has('fullgrid-tiles'))).toBe(false)
  })
})
