/**
 * 日日巡 end to end in Chromium: a worker starts a patrol, walks a route past buildings of their
 * grid (emulated geolocation, one fix a second), the app is reloaded mid-patrol and carries on,
 * one checklist item has a problem reported as an issue, 结束巡查 shows the summary with
 * coverage first; after sync the server holds the whole track, and its coverage is the summary's.
 * While patrolling the screen shows the time so far and the buildings not yet passed; the summary
 * opens again from the 巡查 tab; a colleague of the same grid sees on their phone that the grid
 * was patrolled today, and by whom (issue 17).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Building, Grid, Issue, Patrol, TrackSegment } from '../../src/domain/entities'
import { coveredBuildingIds, distanceM, segmentPoints } from '../../src/domain/track'
import { apiLogin, apiPullAll, clickSyncNow, launchBrowser, loginInUi, openMine, startServer, tab, waitForSynced, type RunningServer, reloadUnlocked, gotoUnlocked } from './harness'

type LngLat = [number, number]

/** Points every ~9 m along the legs between the stops (a brisk walk at one fix a second). */
function walk(stops: LngLat[]): LngLat[] {
  const out: LngLat[] = [stops[0]]
  for (let i = 1; i < stops.length; i++) {
    const [a, b] = [stops[i - 1], stops[i]]
    const n = Math.max(1, Math.ceil(distanceM(a, b) / 9))
    for (let k = 1; k <= n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n])
  }
  return out
}

async function stepThrough(context: BrowserContext, page: Page, route: LngLat[]): Promise<void> {
  for (const [lng, lat] of route) {
    await context.setGeolocation({ longitude: lng, latitude: lat, accuracy: 8 })
    await page.waitForTimeout(1000)
  }
}

/** The number shown in 已记录 N 个位置点. */
async function shownPoints(page: Page): Promise<number> {
  const text = await page.getByText(/已记录 \d+ 个位置点/).innerText()
  return Number(/已记录 (\d+) 个位置点/.exec(text)![1])
}

describe('日日巡: a patrol with its GPS track (issue 9)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let context: BrowserContext | undefined

  beforeAll(async () => {
    server = await startServer({ demo: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.stop()
  })

  it('walks, survives a reload, finishes with coverage first, and the server holds the whole track', { timeout: 300_000 }, async () => {
    // The worker's grid and buildings, as the server has them.
    const worker = await apiLogin(server!.url, 'worker01')
    const records = await apiPullAll(server!.url, worker.token)
    const grids = records.filter((c) => c.entity === 'grids').map((c) => c.data as unknown as Grid)
    const gridId = worker.user.gridIds[0]
    const inGrid = new Set(grids.filter((g) => g.id === gridId || g.parentId === gridId).map((g) => g.id))
    const buildings = records.filter((c) => c.entity === 'buildings').map((c) => c.data as unknown as Building).filter((b) => inGrid.has(b.gridId))
    expect(buildings.length).toBeGreaterThan(5)
    // A route past four buildings, nearest first.
    const stops: Building[] = [buildings[0]]
    while (stops.length < 4) {
      const last = stops[stops.length - 1].location
      const next = buildings.filter((b) => !stops.includes(b)).sort((a, b) => distanceM(last, a.location) - distanceM(last, b.location))[0]
      stops.push(next)
    }
    const route = walk(stops.map((b) => b.location as LngLat))
    const half = Math.floor(route.length / 2)

    context = await browser!.newContext({
      locale: 'zh-CN',
      permissions: ['geolocation'],
      geolocation: { longitude: route[0][0], latitude: route[0][1], accuracy: 8 },
    })
    const page = await context.newPage()
    await loginInUi(page, server!.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)

    await tab(page, '巡查').click()
    await page.getByText('日日巡').waitFor()
    await page.getByText('今日未巡').first().waitFor()
    await page.getByText('未在巡查：不记录位置。').waitFor()
    await page.getByRole('button', { name: '开始巡查' }).click()
    await page.getByText(/正在记录位置：仅在本次巡查期间记录/).waitFor()
    await page.getByText(/^已巡查 \d+ 分钟$/).waitFor()
    const leftAtStart = Number(/（(\d+) 栋）/.exec(await page.getByText(/^尚未经过的楼栋（\d+ 栋）$/).innerText())![1])
    // The first fix may already pass a building beside the start; none has been passed before it.
    expect(leftAtStart).toBeGreaterThanOrEqual(buildings.length - 1)
    expect(leftAtStart).toBeLessThanOrEqual(buildings.length)

    await stepThrough(context, page, route.slice(0, half))
    await page.waitForFunction((n) => /已记录 (\d+) 个位置点/.exec(document.body.innerText)?.[1] === String(n), half, { timeout: 15_000 })

    // The app is closed and opened again mid-patrol: the patrol and its track are still there.
    await reloadUnlocked(page)
    await page.getByText(/正在记录位置：仅在本次巡查期间记录/).waitFor({ timeout: 30_000 })
    await page.getByText(/已记录 \d+ 个位置点/).waitFor()
    expect(await shownPoints(page), 'every point kept before the reload is back').toBe(half)

    await stepThrough(context, page, route.slice(half))
    await page.waitForFunction((n) => /已记录 (\d+) 个位置点/.exec(document.body.innerText)?.[1] === String(n), route.length, { timeout: 15_000 })
    // The four stops are passed: they are no longer in the list of buildings still to go.
    const left = await page.getByText(/^尚未经过的楼栋（\d+ 栋）$/).innerText()
    expect(Number(/（(\d+) 栋）/.exec(left)![1])).toBeLessThanOrEqual(buildings.length - stops.length)

    // One point of the checklist has a problem, reported as an issue linked to the patrol.
    const item = page.getByRole('article', { name: '消防通道是否畅通' })
    await item.getByRole('radio', { name: '有问题' }).click()
    await item.getByRole('button', { name: '上报事件' }).click()
    await page.getByRole('button', { name: '提交' }).click()
    await item.getByText(/已上报事件/).waitFor()
    await page.getByRole('article', { name: '环境卫生、垃圾清运' }).getByRole('radio', { name: '正常' }).click()

    await page.getByRole('button', { name: '结束巡查' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '结束巡查' }).click()

    // The summary leads with coverage, then duration and distance. (The 巡查 tab behind it also lists
    // 今日巡查小结 now, so wait for the summary page itself.)
    await page.waitForURL(/\/patrol\/[^/]+\/summary/)
    await page.getByText('巡查小结', { exact: true }).first().waitFor()
    // The page reads the track and buildings from IndexedDB after it opens.
    await page.getByText('覆盖楼栋').waitFor()
    const cells = await page.locator('.patrol-summary .van-cell').allInnerTexts()
    expect(cells.map((c) => c.split('\n')[0])).toEqual(['覆盖楼栋', '检查项', '发现问题', '上报事件', '用时', '里程'])
    const coverage = /(\d+) \/ (\d+)/.exec(cells[0])!
    expect(Number(coverage[2])).toBe(buildings.length)
    expect(cells[1]).toMatch(/2 \/ 9/)
    expect(cells[2]).toMatch(/1/)
    expect(cells[3]).toMatch(/1/)

    // Sync, then the server has the patrol, every kept point, and the linked issue.
    // The summary is full-screen (no tabs): open 我的 by its address.
    await gotoUnlocked(page, `${server!.url}/me`)
    await openMine(page)
    await clickSyncNow(page)
    await waitForSynced(page, 60_000)
    const boss = await apiLogin(server!.url, 'supervisor')
    const all = await apiPullAll(server!.url, boss.token)
    const patrol = all.filter((c) => c.entity === 'patrols').map((c) => c.data as unknown as Patrol).find((p) => p.workerId === worker.user.id && p.endedAt !== null && p.startedAt > Date.now() - 3600_000)
    expect(patrol, 'the patrol reached the server').toBeDefined()
    const segments = all
      .filter((c) => c.entity === 'trackSegments' && (c.data as { patrolId: string }).patrolId === patrol!.id)
      .map((c) => c.data as unknown as TrackSegment)
      .sort((a, b) => a.seq - b.seq)
    const points = segments.flatMap((s) => segmentPoints(s))
    expect(segments.every((s) => s.encoded && s.points.length === 0), 'segments travel in the compact encoding').toBe(true)
    expect(points).toHaveLength(route.length)
    expect(patrol!.pointCount).toBe(route.length)
    for (let i = 1; i < points.length; i++) expect(points[i][0]).toBeGreaterThan(points[i - 1][0])
    expect(distanceM([points[0][1], points[0][2]], route[0])).toBeLessThan(1)
    expect(distanceM([points.at(-1)![1], points.at(-1)![2]], route.at(-1)!)).toBeLessThan(1)

    const covered = coveredBuildingIds(points, buildings)
    for (const s of stops) expect(covered).toContain(s.id)
    expect(Number(coverage[1])).toBe(covered.length)

    const issue = all.filter((c) => c.entity === 'issues').map((c) => c.data as unknown as Issue).find((i) => i.sourceId === patrol!.id)
    expect(issue).toMatchObject({ source: 'patrol', category: 'fire_safety', gridId: patrol!.gridId })
    expect(issue!.location).toBeTruthy()
    expect(patrol!.answers.find((a) => a.itemId === 'fire_lane')?.status).toBe('problem')

    // The summary opens again from the 巡查 tab, and the grid reads 今日已巡.
    await tab(page, '巡查').click()
    await page.getByText('今日巡查小结').waitFor()
    await page.getByText('今日已巡').first().waitFor()
    await page.getByText('巡查小结', { exact: true }).click()
    await page.getByText('覆盖楼栋').waitFor()
    expect(await page.locator('.patrol-summary .van-cell').first().innerText()).toContain(coverage[0])

    // A colleague of the same grid (worker02) signs in on their own phone: 今日 says who patrolled.
    const names = new Map(records.filter((c) => c.entity === 'users').map((c) => [c.id, (c.data as { name: string }).name]))
    const colleague = await browser!.newContext({ locale: 'zh-CN' })
    try {
      const other = await colleague.newPage()
      await loginInUi(other, server!.url, 'worker02')
      await other.getByText(`${names.get(worker.user.id)} 今日已巡`).waitFor({ timeout: 120_000 })
      expect(await other.getByText('今日未巡').count()).toBe(0)
    } finally {
      await colleague.close()
    }
  })
})
