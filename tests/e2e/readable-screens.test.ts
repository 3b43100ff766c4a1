/**
 * Issue 17, "no screen shows an id, a code, raw JSON or coordinates to a person": a worker's
 * phone (390 × 844) and a supervisor's console (1,366 × 768) walk every page of the demo and read
 * the visible text as a person reads it. A UUID, an ISO week (2026-W49), a JSON object or a bare
 * "36.87418, 120.50483" fails the test with the page and the offending text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import path from 'node:path'
import { addDays, dayOf } from '../../src/domain/calendar'
import { apiLogin, apiPullAll, gotoUnlocked, launchBrowser, loginInUi, openMine, passLockAfterLogin, ROOT, startServer, tab, TABS, waitForSynced, type RunningServer } from './harness'

const DETECTORS: [string, RegExp][] = [
  ['UUID', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i],
  ['ISO week', /\b\d{4}-W\d{2}\b|\bW\d{2}\b/],
  ['raw JSON', /[{[]\s*"[A-Za-z_]+"\s*:/],
  ['coordinates', /\b\d{1,3}\.\d{4,}\s*[,，]\s*\d{1,3}\.\d{4,}\b/],
  ['undefined/null', /\b(undefined|null|NaN|\[object Object\])\b/],
]

/** What a person cannot read on this page, as "kind: excerpt" lines. */
export function unreadable(text: string): string[] {
  const found: string[] = []
  for (const [kind, re] of DETECTORS) {
    const m = re.exec(text)
    if (m) found.push(`${kind}: …${text.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20).replace(/\s+/g, ' ')}…`)
  }
  return found
}

/** FULLGRID_SCREENSHOTS=1 saves each screen to docs/screens/ (phone 390×844, console 1366×768). */
async function shoot(page: Page, name: string): Promise<void> {
  if (!process.env.FULLGRID_SCREENSHOTS) return
  const file = name.replace(/^\//, '').replace(/[/:?#]+/g, '-').replace(/[\s›]+/g, '') || 'root'
  await page.screenshot({ path: path.join(ROOT, 'docs', 'screens', `${file}.png`) })
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.waitForTimeout(400)
}

/** Reads the page as it stands (after it settled): shot as `shot` when given, offenders noted under `where`. */
function reader(page: Page, offenders: string[]) {
  return async (where: string, shot?: string) => {
    await settle(page)
    if (shot) await shoot(page, shot)
    for (const o of unreadable(await page.locator('body').innerText())) offenders.push(`${where} — ${o}`)
  }
}

describe('every screen reads as words (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    server = await startServer({ demo: true, households: 200 })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('the detectors find what a person cannot read, and pass Chinese dates', () => {
    expect(unreadable('户主 01a24615-1c2d-7e3f-8a9b-0c1d2e3f4a5b')).toHaveLength(1)
    expect(unreadable('2026-W49 周报')).toHaveLength(1)
    expect(unreadable('位置 36.87418, 120.50483 ±8 m')).toHaveLength(1)
    expect(unreadable('{"gridId": 1}')).toHaveLength(1)
    expect(unreadable('2026年第49周 11月30日–12月6日 翠湖花园 5号楼 WGS84（GPS）')).toEqual([])
  })

  it('the phone: every tab and the pages behind them', { timeout: 240_000 }, async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true })
    const page = await context.newPage()
    const offenders: string[] = []
    const read = async (where: string) => {
      await settle(page)
      await shoot(page, `phone-${where}`)
      for (const o of unreadable(await page.locator('body').innerText())) offenders.push(`${where} — ${o}`)
    }
    await loginInUi(page, server!.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    // 今日 follows the download (its household watch reloads at most every 2 s): once synced it must know them.
    await tab(page, '今日').click()
    await page.waitForFunction(() => !document.body.innerText.includes('本机还没有住户数据'), undefined, { timeout: 15_000 })
    for (const name of TABS) {
      await tab(page, name).click()
      await read(name)
    }
    for (const path of ['/me/devices', '/me/offline-map', '/issues/new', '/ledger/new']) {
      await gotoUnlocked(page, `${server!.url}${path}`)
      await read(path)
    }
    await gotoUnlocked(page, `${server!.url}/ledger`)
    await settle(page)
    await page.locator('a[href^="/ledger/h/"]').first().click()
    await page.waitForURL(/\/ledger\/h\//)
    await read('住户 › 住户详情')
    const household = /\/ledger\/h\/([0-9a-f-]{36})/.exec(page.url())![1]
    for (const [path, name] of [[`/ledger/h/${household}/edit`, '住户 › 编辑'], [`/visits/new/${household}`, '住户 › 入户走访']]) {
      await gotoUnlocked(page, `${server!.url}${path}`)
      await read(name)
    }
    // One of the demo's patrols of yesterday by this worker: its 巡查小结.
    const worker = await apiLogin(server!.url, 'worker01')
    const patrol = (await apiPullAll(server!.url, worker.token)).find((c) => c.entity === 'patrols' && !c.deleted && c.data.workerId === worker.user.id && c.data.endedAt)
    if (patrol) {
      await gotoUnlocked(page, `${server!.url}/patrol/${patrol.id}/summary`)
      await read('巡查 › 巡查小结')
    }
    await gotoUnlocked(page, `${server!.url}/issues`)
    await settle(page)
    // The worker's own list may be empty (the demo's issues are spread over the grids): then the grid's or the closed ones.
    for (const name of [/^本网格/, /^已办结/]) {
      if (await page.locator('a.issues-item__link').count()) break
      await page.getByRole('tab', { name }).click()
      await settle(page)
    }
    if (await page.locator('a.issues-item__link').count()) {
      await page.locator('a.issues-item__link').first().click()
      await page.waitForURL(/\/issues\/[0-9a-f-]{36}/)
      await read('事件 › 事件详情')
    }
    await context.close()
    expect(offenders).toEqual([])
  })

  /** Every console page a supervisor and an admin both have (设置 › 社区设置 included). */
  const CONSOLE_PAGES = ['tracks', 'daily', 'coverage', 'issues', 'weekly', 'ledger', 'admin/grids', 'admin/people', 'admin/buildings', 'admin/checklists', 'admin/settings']

  it('the console: every page of the supervisor and of the administration', { timeout: 240_000 }, async () => {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const offenders: string[] = []
    const read = reader(page, offenders)
    await page.goto(`${server!.url}/login`)
    await page.getByLabel('账号').fill('supervisor')
    await page.getByLabel('密码').fill('demo1234')
    await page.getByRole('button', { name: '登录' }).click()
    await passLockAfterLogin(page)
    await page.waitForURL(/\/console/, { timeout: 30_000 })
    for (const p of CONSOLE_PAGES) {
      await gotoUnlocked(page, `${server!.url}/console/${p}`)
      await read(`/console/${p}`, `console-${p}`)
    }
    // 轨迹回放 with a worker's day chosen (the demo's patrols are yesterday's).
    const worker = await apiLogin(server!.url, 'worker01')
    const yesterday = addDays(dayOf(Date.now(), 'Asia/Shanghai'), -1)
    await gotoUnlocked(page, `${server!.url}/console/tracks?worker=${worker.user.id}&day=${yesterday}`)
    await page.locator('.tracks__patrol').first().waitFor({ timeout: 30_000 })
    await read('轨迹回放 › 网格员', 'console-tracks-worker')
    // One checklist opened in its editor.
    await gotoUnlocked(page, `${server!.url}/console/admin/checklists`)
    await settle(page)
    await page.locator('.console-table tbody button').first().click()
    await page.waitForURL(/\/console\/admin\/checklists\/[0-9a-f-]{36}/)
    await read('检查表 › 编辑', 'console-admin-checklist-editor')
    await gotoUnlocked(page, `${server!.url}/console/issues`)
    await settle(page)
    await page.locator('a[href^="/console/issues/"]').first().click()
    await page.waitForURL(/\/console\/issues\/[0-9a-f-]{36}/)
    await read('事件督办 › 详情', 'console-issue-detail')
    await context.close()
    expect(offenders).toEqual([])
  })

  it('the console of an administrator: the set-up guide and every page', { timeout: 240_000 }, async () => {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const offenders: string[] = []
    const read = reader(page, offenders)
    // 首次设置 once an administrator exists (the demo's): what a second visitor of the address reads.
    await page.goto(`${server!.url}/console/setup`)
    await read('首次设置', 'console-setup')
    await page.goto(`${server!.url}/login`)
    await page.getByLabel('账号').fill('admin')
    await page.getByLabel('密码').fill('demo1234')
    await page.getByRole('button', { name: '登录' }).click()
    await passLockAfterLogin(page)
    await page.waitForURL(/\/console/, { timeout: 30_000 })
    await gotoUnlocked(page, `${server!.url}/console/admin/setup`)
    await page.waitForURL(/\/console\/admin\/setup$/)
    await read('设置向导', 'console-admin-setup')
    for (const p of CONSOLE_PAGES) {
      await gotoUnlocked(page, `${server!.url}/console/${p}`)
      // The same pages as the supervisor's (their screenshots are those): read, not shot again.
      await read(`管理员 /console/${p}`)
    }
    await context.close()
    expect(offenders).toEqual([])
  })
})
