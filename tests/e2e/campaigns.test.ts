/**
 * 专项排查 end to end (issue 21): a supervisor publishes a campaign for one grid's 独居老人 (through
 * the HTTP API); the worker's phone syncs it, loses signal, answers two targets from 今日 → the
 * campaign → the visit form, reloads the app offline (both answers still there), gets signal back
 * and syncs. The server's progress then shows 2 done, and the export's workbook holds both answers.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiLogin, clickSyncNow, loginInUi, openMine, reloadUnlocked, tab, waitForShownPending, waitForSynced } from './harness'
import { demoWorld } from './world'

const DAY = 86_400_000

async function api<T>(url: string, token: string, method: 'GET' | 'POST', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** On the campaign's page: 排查 one target, 已完成, the campaign's one item 是, 保存走访 — back on the page. */
async function answer(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: `排查 ${label}`, exact: true }).click()
  await page.getByText('专项排查：独居老人冬季走访').waitFor({ timeout: 15_000 })
  await page.getByLabel('已完成', { exact: true }).check()
  await page.locator('fieldset').filter({ hasText: '取暖设施安全' }).getByLabel('是', { exact: true }).check()
  await page.getByRole('textbox', { name: '走访记录' }).fill(`${label}：炉具完好`)
  await page.getByRole('button', { name: '保存走访' }).click()
  await page.getByRole('list', { name: '排查对象' }).waitFor({ timeout: 15_000 })
  await page.getByRole('listitem').filter({ hasText: label }).getByText('已完成').waitFor({ timeout: 15_000 })
}

describe('专项排查: published in the console, answered offline on the phone (issue 21)', () => {
  const world = demoWorld()

  it('publish → sync → offline, two answers → reload → sync → 2 done, both in the export', { timeout: 300_000 }, async () => {
    const url = world.server.url
    const supervisor = await apiLogin(url, 'supervisor')
    const worker = await apiLogin(url, 'worker01')
    const gridId = worker.user.gridIds[0]!
    const communityId = supervisor.user.gridIds[0]!
    const { campaign } = await api<{ campaign: { id: string } }>(`${url}/api/campaigns`, supervisor.token, 'POST', {
      communityId,
      title: '独居老人冬季走访',
      items: [{ id: 'heat', label: '取暖设施安全', category: '安全', required: true, kind: 'yesno' }],
      selection: { kind: 'household', gridIds: [gridId], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
      startAt: Date.now() - DAY,
      deadlineAt: Date.now() + 7 * DAY,
    })
    const published = await api<{ targetCount: number }>(`${url}/api/campaigns/${campaign.id}/publish`, supervisor.token, 'POST')
    expect(published.targetCount, 'the grid has 独居老人').toBeGreaterThanOrEqual(2)
    // The first two in walking order, as the phone lists them.
    const mine = await api<{ campaigns: { targets: { id: string; label: string }[] }[] }>(`${url}/api/campaigns/mine`, worker.token, 'GET')
    const [first, second] = mine.campaigns[0]!.targets

    const page = await world.context.newPage()
    await loginInUi(page, url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })

    // 今日 shows the campaign with its counts; it opens to the targets in walking order.
    await tab(page, '今日').click()
    const card = page.getByRole('link').filter({ hasText: '独居老人冬季走访' })
    await card.getByText(`已完成 0 · 剩余 ${published.targetCount}`).waitFor({ timeout: 30_000 })
    await card.getByText(/\d{4}年\d{1,2}月\d{1,2}日 截止，还剩 7 天/).waitFor()
    await card.click()
    const rows = page.getByRole('list', { name: '排查对象' }).getByRole('listitem')
    await rows.first().waitFor({ timeout: 15_000 })
    expect(await rows.count()).toBe(published.targetCount)
    expect(await rows.nth(0).innerText()).toContain(first!.label)
    expect(await rows.nth(1).innerText()).toContain(second!.label)

    // No signal: two answers, saved on the phone.
    await world.context.setOffline(true)
    await answer(page, first!.label)
    await answer(page, second!.label)

    // The app closes and reopens, still offline: both answers are there.
    await reloadUnlocked(page)
    await page.getByRole('list', { name: '排查对象' }).waitFor({ timeout: 30_000 })
    for (const label of [first!.label, second!.label]) {
      await page.getByRole('listitem').filter({ hasText: label }).getByText('已完成').waitFor({ timeout: 15_000 })
    }
    await page.getByText(/^已完成 2 · 不在家 0 · 拒访 0 · 未走访 \d+$/).waitFor()

    // Signal again: 立即同步.
    await world.context.setOffline(false)
    await page.getByRole('button', { name: '返回' }).or(page.getByText('返回', { exact: true })).first().click()
    await openMine(page)
    await clickSyncNow(page)
    await waitForShownPending(page, 0, 60_000)
    await waitForSynced(page)

    // The console's figures: 2 done; the export holds both answers.
    const progress = await api<{ overall: { done: number; total: number } }>(`${url}/api/campaigns/${campaign.id}/progress`, supervisor.token, 'GET')
    expect(progress.overall).toMatchObject({ done: 2, total: published.targetCount })
    const xlsx = await fetch(`${url}/api/campaigns/${campaign.id}/export.xlsx`, { headers: { authorization: `Bearer ${supervisor.token}` } })
    expect(xlsx.status).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(await xlsx.arrayBuffer())
    const sheet = wb.getWorksheet('排查结果')!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    const rowsOut = sheet.getSheetValues().slice(2).map((r) => Object.fromEntries((r as unknown[]).slice(1).map((v, i) => [String(header[i]), v])))
    for (const label of [first!.label, second!.label]) {
      expect(rowsOut.find((r) => r['对象'] === label), label).toMatchObject({ 状态: '已完成', 取暖设施安全: '是', 备注: `${label}：炉具完好` })
    }
    expect(rowsOut.filter((r) => r['状态'] === '已完成')).toHaveLength(2)
  })
})
