/**
 * The supervisor console in Chromium at a desktop viewport (issue 11): a worker's patrol and a
 * visit made on it are synced through the push API; the supervisor signs in at 1,366 px, lands
 * in the console, opens 轨迹回放 for that worker and day and sees the track, its coverage and the
 * pin; the weekly report downloads as a workbook exceljs opens.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { Browser } from 'playwright-core'
import { distanceM } from '../../src/domain/track'
import { uuidv7 } from '../../src/domain/ids'
import { apiPush } from './apiPush'
import { DEMO_PASSWORD, apiLogin, apiPullAll, chooseDay, launchBrowser, startServer, type RunningServer, passLockAfterLogin } from './harness'

const DAY = '2026-10-28'
const START = Date.UTC(2026, 9, 28, 1) // 09:00 in Shanghai

interface Pulled {
  id: string
  gridId: string
  parentId?: string | null
  level?: string
  location?: [number, number]
  buildingId?: string | null
  kind?: string
  items?: { id: string }[]
  name?: string
}

describe('supervisor console (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let workerName = ''
  let visitAddress = ''

  beforeAll(async () => {
    server = await startServer({ demo: true, households: 300 })
    browser = await launchBrowser()

    // worker01 walks past three buildings of their grid, stops at the first, visits a household at the second.
    const deviceId = 'e2e-console-worker01'
    const worker = await apiLogin(server.url, 'worker01', DEMO_PASSWORD, deviceId)
    workerName = worker.user.name
    const changes = await apiPullAll(server.url, worker.token)
    const of = (entity: string) => changes.filter((c) => c.entity === entity && !c.deleted).map((c) => c.data as unknown as Pulled)
    const grid = worker.user.gridIds[0]
    const micros = new Set(of('grids').filter((g) => g.parentId === grid).map((g) => g.id))
    // Three buildings at least 60 m apart, the second with a household: the walk between them must
    // never look like a stop (≥ 3 min within 25 m), whichever buildings the feed lists first.
    const households = of('households')
    const apart = (a: Pulled, b: Pulled) => distanceM(a.location!, b.location!) > 60
    const candidates = of('buildings').filter((b) => micros.has(b.gridId) && b.location)
    const b0 = candidates[0]
    const b1 = candidates.find((b) => apart(b, b0) && households.some((h) => h.buildingId === b.id))!
    const b2 = candidates.find((b) => apart(b, b0) && apart(b, b1))!
    const buildings = [b0, b1, b2]
    const checklist = of('checklists').find((c) => c.kind === 'patrol')!
    const household = households.find((h) => h.buildingId === buildings[1].id)!
    visitAddress = (household as unknown as { address: string }).address
    const points: [number, number, number, number][] = []
    let t = START
    for (let i = 0; i < 20; i++, t += 15_000) points.push([t, buildings[0].location![0], buildings[0].location![1], 5])
    let visitAt = 0
    for (let leg = 0; leg < 2; leg++) {
      const [a, b] = [buildings[leg].location!, buildings[leg + 1].location!]
      for (let s = 1; s <= 10; s++, t += 15_000) points.push([t, a[0] + ((b[0] - a[0]) * s) / 10, a[1] + ((b[1] - a[1]) * s) / 10, 6])
      if (leg === 0) visitAt = t
    }
    const patrolId = uuidv7()
    const visitId = uuidv7()
    const { statuses, body } = await apiPush(server.url, worker.token, deviceId, [
      ['patrols', {
        id: patrolId, gridId: grid, workerId: worker.user.id, startedAt: START, endedAt: t - 15_000, checklistId: checklist.id, checklistVersion: 1,
        answers: checklist.items!.map((i) => ({ itemId: i.id, status: 'ok', note: '', photoIds: [] })), distanceM: 300, pointCount: points.length,
      }],
      ['trackSegments', { id: uuidv7(), patrolId, workerId: worker.user.id, seq: 0, points }],
      ['visits', {
        id: visitId, householdId: household.id, gridId: household.gridId, workerId: worker.user.id, startedAt: visitAt, endedAt: visitAt + 600_000,
        location: { lng: buildings[1].location![0], lat: buildings[1].location![1], accuracy: 8 }, outcome: 'met', answers: {}, notes: '', needs: '', photoIds: [], followUp: false,
      }],
    ])
    expect(statuses, JSON.stringify(body)).toEqual(['applied', 'applied', 'applied'])
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('shows the synced patrol with its track, coverage and pin, and downloads the weekly workbook', { timeout: 180_000 }, async () => {
    const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 }, acceptDownloads: true })
    try {
      const page = await context.newPage()
      await page.goto(server!.url)
      await page.getByLabel('账号').fill('supervisor')
      await page.getByLabel('密码').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: '登录' }).click()
      await passLockAfterLogin(page)
      // A supervisor at a desktop-sized screen lands in the console.
      await page.getByRole('link', { name: '轨迹回放' }).waitFor({ timeout: 60_000 })
      await page.waitForURL(/\/console\/tracks$/)

      await page.getByLabel('网格员').selectOption({ label: workerName })
      await chooseDay(page, '日期', DAY)
      // The demo has its own patrol of this worker that day (which card comes first varies): read
      // the card of the walk made above, the one with its visit.
      const ours = page.locator('article').filter({ hasText: `走访：${visitAddress}` })
      await ours.getByText(/经过楼栋 \d+\/\d+/).waitFor({ timeout: 60_000 })
      const card = await ours.innerText()
      const [, passed] = /经过楼栋 (\d+)\/(\d+)/.exec(card)!
      expect(Number(passed)).toBeGreaterThanOrEqual(3)
      expect(card).toMatch(/停留 1 处/)
      // The track is drawn on the map's canvas in the first track colour (#1989fa, which nothing
      // else on the map uses): count the pixels of that colour.
      const map = page.getByRole('img', { name: '轨迹回放' })
      // The map is lazy (Leaflet loads after the page) and paints after it fits: wait for both.
      await map.waitFor()
      const painted = () => map.evaluate((el) => {
        const canvas = el.querySelector('canvas')
        if (!canvas) return 0
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let n = 0
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 100 && Math.abs(data[i] - 25) < 30 && Math.abs(data[i + 1] - 137) < 30 && data[i + 2] > 200) n++
        }
        return n
      })
      await expect.poll(painted, { timeout: 15_000 }).toBeGreaterThan(100)
      if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT })

      await page.getByRole('link', { name: '周报' }).click()
      // The week control reads as people write weeks and picks with a Vant picker (year, then week).
      await page.getByRole('button', { name: '周', exact: true }).click()
      const picker = page.locator('.van-popup .van-picker').filter({ hasText: '周' })
      for (const [i, text] of ['2026年', '第44周 10月26日–11月1日'].entries()) {
        await picker.locator('.van-picker-column').nth(i).locator('.van-picker-column__item').filter({ hasText: new RegExp(`^${text}$`) }).dispatchEvent('click')
      }
      await picker.locator('.van-picker__confirm').click()
      await page.getByRole('button', { name: '周', exact: true }).filter({ hasText: '2026年第44周 10月26日–11月1日' }).waitFor()
      await page.getByText('发现事件').first().waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 Excel' }).click()])
      const bytes = await readFile((await download.path())!)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(bytes as unknown as ArrayBuffer)
      expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '事件', '巡查'])
      expect(String(wb.getWorksheet('概况')!.getCell('A1').value)).toContain('2026年第44周')
    } finally {
      await context.close()
    }
  })

  it('事件督办: an issue opens to its detail; 派单 and 催办 there are written through the browser database and the server takes them', { timeout: 240_000 }, async () => {
    const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } })
    const started = Date.now()
    try {
      const page = await context.newPage()
      await page.goto(server!.url)
      await page.getByLabel('账号').fill('supervisor')
      await page.getByLabel('密码').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: '登录' }).click()
      await passLockAfterLogin(page)
      await page.getByRole('link', { name: '事件督办' }).click()
      // 未办结: every such issue can be dispatched (again).
      await page.getByLabel('状态').selectOption({ label: '未办结' })
      const open = page.getByRole('link', { name: /^查看：/ }).first()
      await open.waitFor({ timeout: 60_000 })
      await open.click()
      await page.getByText('处理经过').waitFor({ timeout: 60_000 })
      await page.getByText('上报', { exact: true }).first().waitFor()
      await page.getByLabel('派给').selectOption({ label: workerName })
      const pushed = page.waitForResponse((r) => r.url().includes('/api/sync/push') && r.status() === 200, { timeout: 120_000 })
      await page.getByRole('button', { name: '派单' }).click()
      await pushed
      await page.getByText(`派给 ${workerName}`).first().waitFor({ timeout: 60_000 })

      await page.getByLabel('催办说明（可不填）').fill('居民再次来电，请今天处理')
      const reminded = page.waitForResponse((r) => r.url().includes('/api/sync/push') && r.status() === 200, { timeout: 120_000 })
      await page.getByRole('button', { name: '催办' }).click()
      await reminded
      await page.getByText('督办人催办').first().waitFor({ timeout: 60_000 })

      const supervisor = await apiLogin(server!.url, 'supervisor')
      const events = (await apiPullAll(server!.url, supervisor.token))
        .filter((c) => c.entity === 'issueEvents')
        .map((c) => c.data as { type: string; actorId: string; at: number; data: { assigneeId?: string; note?: string } })
        .filter((e) => e.actorId === supervisor.user.id && e.at >= started)
      expect(events.map((e) => e.type)).toEqual(['assigned', 'reminded'])
      expect(events[1].data.note).toBe('居民再次来电，请今天处理')
      const workers = (await apiPullAll(server!.url, supervisor.token)).filter((c) => c.entity === 'users' && (c.data as { name: string }).name === workerName)
      expect(events[0].data.assigneeId).toBe(workers[0].id)
    } finally {
      await context.close()
    }
  })
})
