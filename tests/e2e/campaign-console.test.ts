/**
 * 专项排查 in the console, in Chromium at a desktop viewport (issue 21): the supervisor creates a
 * campaign for one grid's 独居老人 through the console's form, publishes it (after the
 * confirmation) and sees it at 0 %; two answers then arrive as a worker's phone sends them (the
 * push API, visits carrying campaignId / campaignTargetId); after a reload the console shows 2
 * done, one target opens to its answer, and the exported workbook holds the two.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { Browser } from 'playwright-core'
import { selectTargets } from '../../src/domain/campaigns'
import type { Building, Household } from '../../src/domain/entities'
import { Hlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import { DEMO_PASSWORD, apiLogin, apiPullAll, launchBrowser, passLockAfterLogin, startServer, type ApiSession, type RunningServer } from './harness'

const TITLE = '独居老人冬季走访'

describe('专项排查 in the console (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let worker: ApiSession
  let deviceId = ''
  let gridName = ''
  let elders = 0

  beforeAll(async () => {
    server = await startServer({ demo: true, households: 300 })
    browser = await launchBrowser()
    // The first worker whose grid has at least two 独居老人 (counted by the shared selection rule
    // over what their phone pulls: their grids only).
    for (let n = 1; n <= 9 && elders < 2; n++) {
      deviceId = `e2e-campaign-worker0${n}`
      worker = await apiLogin(server.url, `worker0${n}`, DEMO_PASSWORD, deviceId)
      const changes = await apiPullAll(server.url, worker.token)
      const of = <T>(entity: string) => changes.filter((c) => c.entity === entity && !c.deleted).map((c) => c.data as unknown as T)
      const grid = worker.user.gridIds[0]
      const grids = of<{ id: string; parentId: string | null; name: string }>('grids')
      const subtree = new Set([grid, ...grids.filter((g) => g.parentId === grid).map((g) => g.id)])
      gridName = grids.find((g) => g.id === grid)!.name
      elders = selectTargets({ kind: 'household', gridIds: [...subtree], tags: ['living_alone_elder'], compounds: [], buildingIds: [] }, of<Household>('households'), of<Building>('buildings')).length
    }
    expect(elders, 'a demo grid with two 独居老人').toBeGreaterThanOrEqual(2)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('create → publish (0 %) → two answers pushed → 2 done → a target opens → the export holds them', { timeout: 240_000 }, async () => {
    const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 }, acceptDownloads: true })
    try {
      const page = await context.newPage()
      await page.goto(server!.url)
      await page.getByLabel('账号').fill('supervisor')
      await page.getByLabel('密码').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: '登录' }).click()
      await passLockAfterLogin(page)
      await page.getByRole('link', { name: '专项排查' }).click({ timeout: 60_000 })
      await page.getByRole('link', { name: '新建专项排查' }).click()

      // Saving an empty form says what is missing, in Chinese, and sends nothing.
      await page.getByRole('button', { name: '保存草稿' }).click()
      await page.getByText('请填写专项排查的标题').waitFor()
      await page.getByLabel('标题', { exact: true }).fill(TITLE)
      await page.getByRole('button', { name: '添加检查项' }).click()
      await page.getByLabel('检查内容').fill('取暖设施安全')
      await page.getByLabel(gridName, { exact: true }).check()
      await page.getByLabel('独居老人', { exact: true }).check()
      await page.getByRole('button', { name: '保存草稿' }).click()
      await page.getByText('草稿尚未下发').waitFor({ timeout: 30_000 })
      const campaignId = /\/console\/campaigns\/([0-9a-f-]{36})$/.exec(page.url())![1]

      await page.getByRole('button', { name: '发布', exact: true }).click()
      await page.getByText(`确定发布“${TITLE}”吗`).waitFor()
      await page.getByRole('button', { name: '确认' }).click()
      await page.getByText(`已发布，共 ${elders} 个对象`).waitFor({ timeout: 60_000 })
      const done = page.locator('.console-card').filter({ hasText: '已完成' })
      await expect.poll(() => done.innerText()).toMatch(new RegExp(`0%\\s*0 / ${elders}`))
      await page.getByRole('link', { name: '返回专项排查列表' }).click()
      const row = page.locator('tbody tr').filter({ hasText: TITLE })
      await expect.poll(() => row.innerText()).toMatch(new RegExp(`进行中\\s+\\d{4}年\\d{1,2}月\\d{1,2}日\\s+${elders}\\s+0%`))

      // Two answers, as the worker's phone pushes them: visits naming the campaign and its targets.
      const mine = (await (await fetch(`${server!.url}/api/campaigns/mine`, { headers: { authorization: `Bearer ${worker.token}` } })).json()) as {
        campaigns: { campaign: { id: string; items: { id: string }[] }; targets: { id: string; householdId: string; gridId: string; label: string }[] }[]
      }
      const ours = mine.campaigns.find((c) => c.campaign.id === campaignId)!
      expect(ours.targets).toHaveLength(elders)
      const clock = new Hlc(deviceId)
      const at = Date.now() - 60_000
      const mutations = ours.targets.slice(0, 2).map((target, i) => {
        const hlc = clock.now()
        const id = uuidv7()
        return {
          id: uuidv7(), entity: 'visits', recordId: id, op: 'put', hlc,
          fields: {
            id, hlc, deleted: false, householdId: target.householdId, gridId: target.gridId, workerId: worker.user.id, startedAt: at + i, endedAt: at + i + 300_000,
            outcome: 'met', answers: { [ours.campaign.items[0]!.id]: i === 0 }, notes: i === 0 ? '取暖正常' : '电暖器线路老化', needs: '', photoIds: [], followUp: false,
            checklistId: null, campaignId, campaignTargetId: target.id,
          },
        }
      })
      const res = await fetch(`${server!.url}/api/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${worker.token}` },
        body: JSON.stringify({ deviceId, mutations }),
      })
      const pushed = (await res.json()) as { results: { status: string }[] }
      expect(pushed.results.map((r) => r.status), JSON.stringify(pushed)).toEqual(['applied', 'applied'])

      await row.getByRole('link', { name: `查看：${TITLE}` }).click()
      await expect.poll(() => done.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`${Math.floor(200 / elders)}%\\s*2 / ${elders}`))
      const gridRow = page.locator('table').filter({ hasText: '各网格进度' }).locator('tbody tr')
      // Micro-grids are rolled up into the grid; the worker of the grid has its targets.
      const pct = (n: number) => `${Math.floor((n * 100) / elders)}%`
      expect(await gridRow.allInnerTexts()).toEqual([[gridName, elders, pct(2), '0%', '0%', pct(elders - 2)].join('\t')])
      const workerRow = page.locator('table').filter({ hasText: '各网格员进度' }).locator('tbody tr').filter({ hasText: worker.user.name })
      expect((await workerRow.innerText()).split('\t')).toEqual([worker.user.name, String(elders), pct(2), '0%', '0%', pct(elders - 2)])

      await page.getByLabel('状态').selectOption({ label: '已完成' })
      await page.getByText('共 2 个，显示第 1–2 个').waitFor({ timeout: 30_000 })
      await page.getByRole('button', { name: `查看记录：${ours.targets[1]!.label}` }).click()
      await page.getByText('电暖器线路老化').waitFor({ timeout: 30_000 })
      await page.getByText(`${worker.user.name} · `).first().waitFor()

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出Excel' }).click()])
      expect(download.suggestedFilename()).toBe(`${TITLE}.xlsx`)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer)
      const sheet = wb.getWorksheet('排查结果')!
      const rows = sheet.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1))
      expect(rows).toHaveLength(elders)
      const byLabel = new Map(rows.map((r) => [String(r[1]), r]))
      expect(ours.targets.slice(0, 2).map((t) => byLabel.get(t.label)?.[2])).toEqual(['已完成', '已完成'])
      expect(rows.filter((r) => r[2] === '已完成')).toHaveLength(2)
      expect(byLabel.get(ours.targets[1]!.label)).toContain('电暖器线路老化')
    } finally {
      await context.close()
    }
  })
})
