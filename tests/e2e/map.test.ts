/**
 * The one map, read as a person reads it (issue 17): the phone's 巡查 map and the console's
 * 轨迹回放 show names that do not pile up (no two labels' boxes overlap, no micro-grid name run
 * into its grid's), 您在这里 while patrolling, 起点 and 终点 of a walk, and building names once
 * zoomed in. On the schematic (no tiles configured), as most test servers and many deployments run.
 * MAP_SCREENSHOTS=<folder> keeps a picture of each map looked at.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { Building, Grid } from '../../src/domain/entities'
import { distanceM } from '../../src/domain/track'
import { DEMO_PASSWORD, apiLogin, apiPullAll, loginInUi, openMine, tab, waitForSynced, passLockAfterLogin } from './harness'
import { demoWorld } from './world'

interface ShownLabel {
  text: string
  x: number
  y: number
  w: number
  h: number
}

/** The names drawn on a map, with their boxes on screen, as far as they are inside the map. */
async function shownLabels(map: Locator): Promise<ShownLabel[]> {
  return map.evaluate((el) => {
    const frame = el.getBoundingClientRect()
    return [...el.querySelectorAll<HTMLElement>('.grid-map__label')]
      .map((l) => ({ text: l.innerText.trim(), r: l.getBoundingClientRect(), style: getComputedStyle(l) }))
      .filter(({ r, style }) => r.width > 0 && style.visibility !== 'hidden' && r.right > frame.left && r.left < frame.right && r.bottom > frame.top && r.top < frame.bottom)
      .map(({ text, r }) => ({ text, x: r.x, y: r.y, w: r.width, h: r.height }))
  })
}

/** Pairs of labels whose boxes overlap (0.5 px of rounding allowed). */
function pileUps(labels: ShownLabel[]): string[] {
  const out: string[] = []
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const [a, b] = [labels[i], labels[j]]
      if (a.x + 0.5 < b.x + b.w && b.x + 0.5 < a.x + a.w && a.y + 0.5 < b.y + b.h && b.y + 0.5 < a.y + a.h) out.push(`${a.text} × ${b.text}`)
    }
  }
  return out
}

/** Waits until the map shows a label matching `text`, then reads all of them. */
async function labelsOnceShowing(map: Locator, text: RegExp): Promise<ShownLabel[]> {
  await map.locator('.grid-map__label').filter({ hasText: text }).first().waitFor({ timeout: 30_000 })
  // Labels are laid out after each move: let a zoom animation settle before reading.
  await map.page().waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'))
  return shownLabels(map)
}

async function picture(page: Page, name: string): Promise<void> {
  if (process.env.MAP_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.MAP_SCREENSHOTS, `${name}.png`) })
}

function expectReadable(labels: ShownLabel[]) {
  expect(pileUps(labels), 'labels drawn over each other').toEqual([])
  // A micro-grid is written without its grid's name, and no two names run into one string.
  for (const l of labels) expect(l.text, 'one name per label').not.toMatch(/网格.*网格/)
}

describe('the map reads: names where they fit, 您在这里, 起点 and 终点 (issue 17)', () => {
  const world = demoWorld({ demo: true, households: 600 })

  it('phone: the 巡查 map names grids, then buildings when zoomed in, and marks the worker and the walk', { timeout: 300_000 }, async () => {
    const worker = await apiLogin(world.server.url, 'worker01')
    const records = await apiPullAll(world.server.url, worker.token)
    const gridId = worker.user.gridIds[0]
    const grids = records.filter((c) => c.entity === 'grids').map((c) => c.data as unknown as Grid)
    const inGrid = new Set(grids.filter((g) => g.id === gridId || g.parentId === gridId).map((g) => g.id))
    const buildings = records.filter((c) => c.entity === 'buildings').map((c) => c.data as unknown as Building).filter((b) => inGrid.has(b.gridId))
    const [a] = buildings
    const b = buildings.filter((x) => distanceM(a.location, x.location) > 60).sort((x, y) => distanceM(a.location, x.location) - distanceM(a.location, y.location))[0]

    const context = await world.browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
      permissions: ['geolocation'],
      geolocation: { longitude: a.location[0], latitude: a.location[1], accuracy: 8 },
    })
    try {
      const page = await context.newPage()
      await loginInUi(page, world.server.url, 'worker01')
      await openMine(page)
      await waitForSynced(page, 120_000)
      await tab(page, '巡查').click()
      const map = page.getByRole('region', { name: '网格地图' })
      await map.waitFor()

      // The grid as first shown: its name, its micro-grids' where they fit, nothing on top of anything.
      const first = await labelsOnceShowing(map, /^第.+网格$/)
      await picture(page, 'phone-grid')
      expectReadable(first)
      const gridName = grids.find((g) => g.id === gridId)!.name
      expect(first.map((l) => l.text)).toContain(gridName)

      // Patrolling: where the worker is, and where the walk began.
      await page.getByRole('button', { name: '开始巡查' }).click()
      await page.getByText(/正在记录位置/).waitFor()
      // A walk from one building to the next at a walker's pace (one fix a second, as patrol.test).
      const steps = Math.ceil(distanceM(a.location, b.location) / 9)
      for (let k = 1; k <= steps; k++) {
        const f = k / steps
        await context.setGeolocation({ longitude: a.location[0] + (b.location[0] - a.location[0]) * f, latitude: a.location[1] + (b.location[1] - a.location[1]) * f, accuracy: 8 })
        await page.waitForTimeout(1000)
      }
      await page.waitForFunction((n) => Number(/已记录 (\d+) 个位置点/.exec(document.body.innerText)?.[1] ?? 0) > n, steps, { timeout: 15_000 })
      const walking = await labelsOnceShowing(map, /^您在这里$/)
      await picture(page, 'phone-patrol')
      expectReadable(walking)
      expect(walking.map((l) => l.text)).toEqual(expect.arrayContaining(['您在这里', '起点']))

      // Zoomed in on the map's middle: the buildings are named (5号楼), still apart.
      for (let i = 0; i < 3; i++) {
        await map.getByRole('button', { name: '放大' }).click()
        await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'))
      }
      const close = await labelsOnceShowing(map, /^\d+号楼$/)
      await picture(page, 'phone-zoomed')
      expectReadable(close)

      // 结束巡查: the summary's track has its two ends.
      await page.getByRole('button', { name: '结束巡查' }).click()
      await page.getByRole('dialog').getByRole('button', { name: '结束巡查' }).click()
      // The 巡查 tab behind the summary also lists 今日巡查小结: wait for the summary page itself.
      await page.waitForURL(/\/patrol\/[^/]+\/summary/)
      await page.getByText('巡查小结', { exact: true }).first().waitFor()
      const summary = page.getByRole('region', { name: '网格地图' })
      const ends = await labelsOnceShowing(summary, /^终点$/)
      await picture(page, 'phone-summary')
      expectReadable(ends)
      expect(ends.map((l) => l.text)).toEqual(expect.arrayContaining(['起点', '终点']))
    } finally {
      await context.close()
    }
  })

  it('console: 轨迹回放 shows yesterday’s walk with 起点 and 终点 and readable names', { timeout: 180_000 }, async () => {
    const worker = await apiLogin(world.server.url, 'worker01')
    const context = await world.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } })
    try {
      const page = await context.newPage()
      await page.goto(world.server.url)
      await page.getByLabel('账号').fill('supervisor')
      await page.getByLabel('密码').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: '登录' }).click()
      await passLockAfterLogin(page)
      await page.getByRole('link', { name: '轨迹回放' }).click()
      // Yesterday everybody patrolled (the demo), and 日期 starts at yesterday.
      await page.getByLabel('网格员').selectOption({ label: worker.user.name })
      const map = page.getByRole('img', { name: '轨迹回放' })
      const labels = await labelsOnceShowing(map, /^终点$/)
      await picture(page, 'console-tracks')
      expectReadable(labels)
      const texts = labels.map((l) => l.text)
      expect(texts).toEqual(expect.arrayContaining(['起点', '终点']))
      // The slider's point is the worker, named.
      expect(texts).toContain(worker.user.name)
    } finally {
      await context.close()
    }
  })

  it('console: 走访覆盖 shows the community’s grids and buildings on the same map, names apart', { timeout: 180_000 }, async () => {
    const context = await world.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } })
    try {
      const page = await context.newPage()
      await page.goto(world.server.url)
      await page.getByLabel('账号').fill('supervisor')
      await page.getByLabel('密码').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: '登录' }).click()
      await passLockAfterLogin(page)
      await page.getByRole('link', { name: '走访覆盖' }).click()
      const map = page.getByRole('img', { name: '楼栋走访覆盖' })
      await map.scrollIntoViewIfNeeded()
      const labels = await labelsOnceShowing(map, /^第.网格$/)
      await picture(page, 'console-coverage')
      expectReadable(labels)
      expect(labels.map((l) => l.text)).toContain('第一网格')
      await map.getByText('已访不足五成').waitFor()
    } finally {
      await context.close()
    }
  })
})
