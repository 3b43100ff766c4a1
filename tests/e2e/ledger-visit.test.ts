/**
 * The worker's daily loop, offline (issue 8): with no signal, find a household from 今日 by its
 * head's pinyin initials in 住户, record a visit with a photo, reload the app (still offline), see
 * the visit in the household's timeline and the household off the due list; with signal again,
 * the server holds the visit and its photo exactly once.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { namePinyin } from '../../src/domain/householdSearch'
import { apiLogin, apiPullAll, clickSyncNow, loginInUi, openMine, tab, waitForShownPending, waitForSynced, reloadUnlocked, gotoUnlocked } from './harness'
import { demoWorld } from './world'

/** A small real PNG drawn by the browser (the compressor must be able to decode it). */
async function pngFromPage(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 320
    c.height = 240
    const g = c.getContext('2d')!
    g.fillStyle = '#b71c1c'
    g.fillRect(0, 0, 320, 240)
    g.fillStyle = '#fff'
    g.fillRect(40, 40, 120, 80)
    return c.toDataURL('image/png').split(',')[1]
  })
  return Buffer.from(b64, 'base64')
}

const householdLink = (page: Page, id: string) => page.locator(`a[href$="/ledger/h/${id}"]`)

describe('住户 → 入户走访 → 今日, offline (issue 8)', () => {
  const world = demoWorld()

  it('records a visit with a photo offline; it survives a reload and reaches the server once', { timeout: 240_000 }, async () => {
    const page = await world.context.newPage()
    const notes = `入户走访 端到端 ${Date.now().toString(36)}`

    await loginInUi(page, world.server.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })

    // No signal in the stairwell.
    await world.context.setOffline(true)

    // 今日: the first household due.
    await tab(page, '今日').click()
    const first = page.locator('.today-item a').first()
    await first.waitFor({ timeout: 30_000 })
    const href = (await first.getAttribute('href'))!
    const id = href.split('/').pop()!
    const name = (await first.locator('strong').innerText()).trim()
    const dueCount = async () => Number(/全部\s*(\d+)/.exec(await page.getByRole('button', { name: /^全部/ }).innerText())![1])
    const dueBefore = await dueCount()
    const initials = namePinyin(name).initials
    expect(initials.length).toBeGreaterThan(0)

    // 住户: find it by the pinyin initials of its head.
    await tab(page, '住户').click()
    await page.getByLabel('搜索住户').fill(initials)
    await page.getByText(/搜索结果（\d+户）/).waitFor({ timeout: 30_000 })
    const list = page.locator('.ledger-vlist')
    for (let i = 0; i < 200 && !(await householdLink(page, id).count()); i++) await list.evaluate((el) => (el.scrollTop += 500))
    await householdLink(page, id).click()

    // 入户走访
    await page.getByRole('link', { name: '入户走访' }).or(page.getByRole('button', { name: '入户走访' })).first().click()
    await page.getByLabel('见到本人').check()
    for (const group of await page.locator('fieldset').filter({ has: page.getByLabel('是', { exact: true }) }).all()) {
      await group.getByLabel('是', { exact: true }).check()
    }
    for (const label of ['健康状况清', '家庭情况清', '诉求需求清']) await page.getByLabel(label).fill('正常')
    await page.getByRole('textbox', { name: '走访记录' }).fill(notes)
    await page.getByLabel('拍照/选择照片').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: await pngFromPage(page) })
    await page.getByRole('img', { name: '照片 1' }).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: '保存走访' }).click()

    // Back on the household: the visit is in the timeline at once, waiting for sync.
    const item = page.locator('.ledger-timeline__item').filter({ hasText: notes })
    await item.waitFor({ timeout: 15_000 })
    await item.getByText('待同步').waitFor()

    // The app is closed and opened again, still offline.
    await reloadUnlocked(page)
    await item.waitFor({ timeout: 30_000 })
    await item.getByText('待同步').waitFor()
    await item.getByText('1张照片').waitFor()

    // Off today's due list.
    await page.getByRole('button', { name: '返回' }).or(page.getByText('返回', { exact: true })).first().click()
    await tab(page, '今日').click()
    await page.locator('.today-item a').first().waitFor({ timeout: 30_000 })
    expect(await householdLink(page, id).count(), 'the visited household is no longer due').toBe(0)
    expect(await dueCount()).toBe(dueBefore - 1)

    // Signal again.
    await world.context.setOffline(false)
    await openMine(page)
    await clickSyncNow(page)
    await waitForShownPending(page, 0, 60_000)
    await waitForSynced(page)

    const supervisor = await apiLogin(world.server.url, 'supervisor')
    const feed = await apiPullAll(world.server.url, supervisor.token)
    const visits = feed.filter((c) => c.entity === 'visits' && c.data.notes === notes)
    expect(visits, 'server copies of the visit').toHaveLength(1)
    expect(visits[0].data).toMatchObject({ householdId: id, outcome: 'met', channel: 'door' })
    const photoIds = visits[0].data.photoIds as string[]
    expect(photoIds).toHaveLength(1)
    const res = await fetch(`${world.server.url}/api/blobs/${photoIds[0]}`, { headers: { authorization: `Bearer ${supervisor.token}` } })
    expect(res.status).toBe(200)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(photoIds[0])
    // Compressed to JPEG on the phone.
    expect(bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff')

    // And the timeline now says 已同步.
    await gotoUnlocked(page, `${world.server.url}/ledger/h/${id}`)
    await item.getByText('已同步').waitFor({ timeout: 30_000 })
  })
})
