/**
 * Days are counted in the community's zone everywhere (issue 17): the phone and the console run
 * in Chromium set to America/New_York while the community is Asia/Shanghai. worker01 patrols
 * and visits a household late in the evening, the visit at 23:30 community time (10:30 in New
 * York, the same date there), and reports an issue from that visit: its 来自 reads "入户走访 · <address>
 * · <day>" on the phone (and opens the household) and in 事件督办's detail.
 *
 * New York's date changes 13 hours after Shanghai's, so what tells the zones apart is the next
 * community day: at 00:20 in Shanghai (11:20 the day before in New York) the phone's 今日 must say
 * 今日未巡 — the 23:30 patrol was yesterday's — and the console's 日日巡 must end at the new day
 * with the patrol in the day before's column. A phone counting days in its own zone would still
 * call the patrol today's. The browsers' clocks are set with Playwright's clock (the server runs
 * on the real one; the evening is three days back, before the demo's own patrols of yesterday).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { addDays, dayOf, dayStart } from '../../src/domain/calendar'
import { uuidv7 } from '../../src/domain/ids'
import { formatDayId } from '../../src/ui/time'
import { apiPush } from './apiPush'
import { DEMO_PASSWORD, apiLogin, apiPullAll, gotoUnlocked, launchBrowser, loginInUi, passLockAfterLogin, startServer, tab, waitForSynced, openMine, type RunningServer } from './harness'

const COMMUNITY = 'Asia/Shanghai'
const BROWSER_ZONE = 'America/New_York'
const MINUTE = 60_000

interface Pulled { id: string; name?: string; parentId?: string | null; kind?: string; items?: { id: string }[]; gridId?: string; address?: string }

describe('days in the community’s zone, the browser in another (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  // The evening: three days before the community's today, so the demo (patrols of yesterday only) has none that day.
  const day = addDays(dayOf(Date.now(), COMMUNITY), -3)
  const midnight = dayStart(day, COMMUNITY)!
  const at = (hh: number, mm: number) => midnight + (hh * 60 + mm) * MINUTE
  const nextDay = addDays(day, 1)
  let gridName = ''
  let householdId = ''
  let address = ''
  const issueId = uuidv7()
  /** 来自 of the issue raised from the visit, as both screens must read it. */
  const source = () => `入户走访 · ${address} · ${formatDayId(day, 'zh-CN', { year: false })}`

  beforeAll(async () => {
    server = await startServer({ demo: true, households: 200, env: { FULLGRID_TIME_ZONE: COMMUNITY } })
    browser = await launchBrowser()

    const deviceId = 'e2e-tz-worker01'
    const worker = await apiLogin(server.url, 'worker01', DEMO_PASSWORD, deviceId)
    const changes = await apiPullAll(server.url, worker.token)
    const of = (entity: string) => changes.filter((c) => c.entity === entity && !c.deleted).map((c) => c.data as unknown as Pulled & { id: string })
    const grid = worker.user.gridIds[0]
    gridName = of('grids').find((g) => g.id === grid)!.name!
    const micros = new Set([grid, ...of('grids').filter((g) => g.parentId === grid).map((g) => g.id)])
    const household = of('households').find((h) => micros.has(h.gridId!))!
    householdId = household.id
    address = household.address!
    const visitId = uuidv7()
    const checklist = of('checklists').find((c) => c.kind === 'patrol')!
    const { statuses, body } = await apiPush(server.url, worker.token, deviceId, [
      ['patrols', {
        id: uuidv7(), gridId: grid, workerId: worker.user.id, startedAt: at(23, 0), endedAt: at(23, 25), checklistId: checklist.id, checklistVersion: 1,
        answers: checklist.items!.map((i) => ({ itemId: i.id, status: 'ok', note: '', photoIds: [] })), distanceM: 0, pointCount: 0,
      }],
      ['visits', {
        id: visitId, householdId: household.id, gridId: household.gridId, workerId: worker.user.id, startedAt: at(23, 30), endedAt: at(23, 40),
        location: null, outcome: 'met', answers: {}, notes: '晚间回访', needs: '', photoIds: [], followUp: false,
      }],
      // An issue raised from that visit (its 来自 names the visit, never its id).
      ['issues', {
        id: issueId, gridId: household.gridId, householdId: household.id, type: 'issue', source: 'visit', sourceId: visitId, category: 'sanitation',
        title: '楼道积水', description: '', location: null, photoIds: [], level: 'micro', reportedAt: at(23, 45), reportedBy: worker.user.id,
      }],
      ['issueEvents', { id: uuidv7(), issueId, type: 'reported', actorId: worker.user.id, at: at(23, 45), data: {} }],
    ])
    expect(statuses, JSON.stringify(body)).toEqual(['applied', 'applied', 'applied', 'applied'])
  }, 240_000)

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await server?.stop()
  })

  async function contextAt(time: number, viewport: { width: number; height: number }) {
    const context = await browser!.newContext({ locale: 'zh-CN', timezoneId: BROWSER_ZONE, viewport })
    contexts.push(context)
    await context.clock.install({ time })
    return context
  }

  it('the phone: the 23:30 visit and patrol are that evening’s; after the community’s midnight 今日 is a new day', { timeout: 240_000 }, async () => {
    const context = await contextAt(at(23, 50), { width: 390, height: 844 })
    const page = await context.newPage()
    // The browser really is in New York: its own clock reads 10:50.
    expect(await page.evaluate(() => new Date().getHours())).toBe(10)
    await loginInUi(page, server!.url, 'worker01')
    await openMine(page)
    await waitForSynced(page, 120_000)
    await tab(page, '今日').click()
    // worker01's own patrol: 今日已巡 (a colleague's would name them).
    const patrolLine = page.locator('.van-cell').filter({ hasText: gridName }).filter({ hasText: /今日/ }).first()
    await patrolLine.getByText('今日已巡').waitFor({ timeout: 60_000 })

    // The issue from the visit: 来自 in words, and it opens the household, whose timeline holds the visit.
    await gotoUnlocked(page, `${server!.url}/issues/${issueId}`)
    await page.getByText(source()).click()
    await page.waitForURL(`${server!.url}/ledger/h/${householdId}`)
    // The visit reads at the community's 23:30 on its day, not New York's 10:30.
    const shown = `${formatDayId(day, 'zh-CN')} 23:30`
    await page.getByText(shown).waitFor({ timeout: 30_000 })

    // 00:20 the next community day (still 11:20 of the same day in New York).
    await context.clock.setSystemTime(at(24, 20))
    await gotoUnlocked(page, `${server!.url}/today`)
    await patrolLine.getByText('今日未巡').waitFor({ timeout: 30_000 }).catch(async (e: Error) => { throw new Error(`${e.message}\n${await page.evaluate(() => new Date().toString())}\n${await page.locator('body').innerText()}`) })
    expect(await page.getByText(/今日已巡/).count()).toBe(0)
    expect(await page.locator('body').innerText()).toContain(formatDayId(nextDay, 'zh-CN'))
  })

  it('the console: 日日巡 ends at the community’s new day and holds the late patrol in the evening’s column', { timeout: 180_000 }, async () => {
    const context = await contextAt(at(24, 20), { width: 1366, height: 768 })
    const page = await context.newPage()
    await page.goto(`${server!.url}/login`)
    await page.getByLabel('账号').fill('supervisor')
    await page.getByLabel('密码').fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await passLockAfterLogin(page)
    await page.waitForURL(/\/console/, { timeout: 30_000 })
    await gotoUnlocked(page, `${server!.url}/console/daily`)
    // The range ends at the community's day (a New York calendar would end a day earlier).
    await page.getByRole('button', { name: '至', exact: true }).filter({ hasText: formatDayId(nextDay, 'zh-CN') }).waitFor({ timeout: 30_000 })
    await page.locator('.daily__table').waitFor({ timeout: 30_000 })
    const headers = await page.locator('.daily__table thead th').allInnerTexts()
    const evening = headers.indexOf(formatDayId(day, 'zh-CN', { year: false }))
    const next = headers.indexOf(formatDayId(nextDay, 'zh-CN', { year: false }))
    expect(evening, headers.join(' | ')).toBeGreaterThan(0)
    expect(next).toBe(headers.length - 1)
    const row = page.locator('.daily__table tbody tr').filter({ has: page.locator('th', { hasText: gridName }) }).first()
    const cells = row.locator('td')
    // td n is header n (the first header is the grid column).
    expect(await cells.nth(evening - 1).innerText()).toContain('✓')
    expect(await cells.nth(next - 1).innerText()).toContain('✗')

    // 事件督办's detail names the visit the same way.
    await gotoUnlocked(page, `${server!.url}/console/issues/${issueId}`)
    await page.getByText(source()).waitFor({ timeout: 30_000 })
  })
})
