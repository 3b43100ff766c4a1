/**
 * Issue 8 budgets, in Chromium with 20,000 households on the phone (the supervisor's scope after
 * a real first sync through the UI), each run in a fresh profile:
 *
 *   ledgerSearch — per keystroke: the app's searchHouseholds over the in-memory index built from
 *                  IndexedDB (budget p95 ≤ 20 ms, goal ≤ 5 ms); also keystroke → DOM updated in the
 *                  real 住户 page (input event → Vue patched the list, layout forced);
 *   visitSave    — the app's visit write (record + outbox, one transaction), p95 (≤ 15 ms, goal ≤ 5 ms);
 *   ledgerOpen   — tap on the 住户 tab → the first household rows are in the DOM at a frame
 *                  (goal ≤ 200 ms), after a fresh page load (nothing of the ledger cached in memory).
 */
import path from 'node:path'
import { build } from 'vite'
import type { Page } from 'playwright-core'
import { ROOT, apiLogin, apiPullAll, gotoUnlocked, launchProfile, openMine, passLockAfterLogin, startServer, waitForSynced, type RunningServer } from '../tests/e2e/harness'
import { round, summarize } from './stats'

const log = (...a: unknown[]) => console.error('[bench ledger]', ...a)

/** What a worker types: names in pinyin and initials, Chinese, address fragments, phone tails. */
export const QUERIES = ['zhangwei', 'zw', 'wxy', 'liu', '王', '张秀英', '3号楼2单元301', '3-2-301', '301', '5678', 'sunjianguo']
const OPEN_RUNS = 3
const SAVES = 100

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

let bundle: string | null = null
async function pageBundle(): Promise<string> {
  if (bundle) return bundle
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    resolve: { alias: { '@': path.join(ROOT, 'src') } },
    build: { write: false, minify: true, lib: { entry: path.join(ROOT, 'bench/ledger-page.ts'), formats: ['iife'], name: '__fullgridLedgerBench' } },
  })
  const first = (Array.isArray(out) ? out[0] : out) as { output: Array<{ type: string; code?: string }> }
  const chunk = first.output.find((o) => o.type === 'chunk')
  if (!chunk?.code) throw new Error('bundling bench/ledger-page.ts produced no code')
  bundle = `${chunk.code}\n;globalThis.__fullgridLedgerBench = __fullgridLedgerBench; undefined`
  return bundle
}

/**
 * Fresh load of 今日 (its 输入PIN码 passed first: issue 19), wait until its list is computed, then
 * tap 住户 and time the first rows: the tap's own clock, so the unlock before it is not in the figure.
 */
async function measureOpen(page: Page, url: string): Promise<number> {
  await gotoUnlocked(page, `${url}/today`)
  await page.getByRole('button', { name: /^全部/ }).waitFor({ timeout: 120_000 })
  await page.waitForTimeout(500)
  // A string, not a function: tsx's name-keeping helpers (__name) do not exist in the page.
  return page.evaluate(`new Promise((resolve, reject) => {
    const tabItem = [...document.querySelectorAll('.van-tabbar-item')].find((e) => e.textContent.includes('住户'))
    if (!tabItem) return reject(new Error('no 住户 tab'))
    const t0 = performance.now()
    tabItem.click()
    const check = () => {
      if (document.querySelector('.ledger-row--household')) resolve(performance.now() - t0)
      else if (performance.now() - t0 > 60000) reject(new Error('no ledger rows after 60 s'))
      else requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  })`) as Promise<number>
}

/** Types each query into 搜索住户, one character at a time: input event → Vue's update done, layout forced. */
async function measureUiKeystrokes(page: Page): Promise<number[]> {
  await page.getByLabel('搜索住户').waitFor()
  // The index is built when the phone is idle after the list shows; let that happen first.
  await page.waitForTimeout(3000)
  return page.evaluate(`(async (queries) => {
    const input = document.getElementById('ledger-search')
    const times = []
    const settle = () => new Promise((r) => setTimeout(r, 30))
    for (const q of queries) {
      input.value = ''
      input.dispatchEvent(new Event('input'))
      await settle()
      const chars = [...q]
      for (let i = 1; i <= chars.length; i++) {
        const t0 = performance.now()
        input.value = chars.slice(0, i).join('')
        input.dispatchEvent(new Event('input'))
        // Vue flushes its update in a microtask queued during the input event; this one runs after it.
        await new Promise((r) => queueMicrotask(r))
        void document.body.offsetHeight
        times.push(performance.now() - t0)
        await settle()
      }
    }
    return times
  })(${JSON.stringify(QUERIES)})`) as Promise<number[]>
}

interface LedgerRun {
  households: number
  indexBuildMs: number
  searchP50: number
  searchP95: number
  searchMax: number
  uiKeystrokeP50: number
  uiKeystrokeP95: number
  visitSaveP50: number
  visitSaveP95: number
  ledgerOpenMs: number[]
}

async function ledgerRun(server: RunningServer, cpuThrottle = 1): Promise<LedgerRun> {
  const code = await pageBundle()
  const profile = await launchProfile()
  try {
    const page = profile.context.pages()[0] ?? (await profile.context.newPage())
    await page.goto(server.url)
    await page.getByLabel('账号').fill('supervisor')
    await page.getByLabel('密码').fill('demo1234')
    await page.getByRole('button', { name: '登录' }).click()
    await passLockAfterLogin(page)
    await openMine(page)
    await waitForSynced(page, 300_000)
    // The phone's speed (issue 20: 4× CPU) from here on; the first sync is bench (a)'s to measure.
    if (cpuThrottle > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle })

    const ledgerOpenMs: number[] = []
    for (let i = 0; i < OPEN_RUNS; i++) ledgerOpenMs.push(round(await measureOpen(page, server.url), 1))
    const ui = await measureUiKeystrokes(page)

    // Saves are made where a worker makes them: on a household's page (the ledger list is not
    // on screen; 今日's due count still follows every save).
    const someHousehold = await page.locator('a[href*="/ledger/h/"]').first().getAttribute('href')
    await gotoUnlocked(page, `${server.url}${someHousehold}`)
    await page.getByText('入户走访').first().waitFor({ timeout: 60_000 })
    await page.evaluate(code)
    const search = await page.evaluate((q) => (globalThis as any).__fullgridLedgerBench.searchTimings(q), QUERIES)
    await profile.context.setOffline(true) // the saves queue; no push competes with them
    const saves: number[] = await page.evaluate((n) => (globalThis as any).__fullgridLedgerBench.visitSaveTimings(n), SAVES)
    const ks = search.keystrokes.map((k: { ms: number }) => k.ms)
    return {
      households: search.households,
      indexBuildMs: round(search.indexBuildMs, 1),
      searchP50: round(percentile(ks, 50)),
      searchP95: round(percentile(ks, 95)),
      searchMax: round(Math.max(...ks)),
      uiKeystrokeP50: round(percentile(ui, 50)),
      uiKeystrokeP95: round(percentile(ui, 95)),
      visitSaveP50: round(percentile(saves, 50)),
      visitSaveP95: round(percentile(saves, 95)),
      ledgerOpenMs,
    }
  } finally {
    await profile.close()
  }
}

export async function benchLedger(opts: { runs: number; households: number; cpuThrottle?: number }) {
  log(`starting a server with ${opts.households} demo households`)
  const server = await startServer({ demo: true, households: opts.households, timeoutMs: 900_000 })
  const runs: LedgerRun[] = []
  const errors: string[] = []
  try {
    const sup = await apiLogin(server.url, 'supervisor', undefined, 'bench-ledger-check')
    const total = new Set((await apiPullAll(server.url, sup.token)).filter((c) => c.entity === 'households' && !c.deleted).map((c) => c.id)).size
    for (let i = 0; i < opts.runs; i++) {
      try {
        const r = await ledgerRun(server, opts.cpuThrottle)
        if (r.households !== total) throw new Error(`the phone held ${r.households} of ${total} households`)
        log(`run ${i + 1}:`, JSON.stringify(r))
        runs.push(r)
      } catch (err) {
        errors.push(`run ${i + 1}: ${String((err as Error).message ?? err).slice(0, 2000)}`)
        log(`run ${i + 1} failed:`, err)
      }
    }
  } finally {
    await server.stop()
  }
  const complete = runs.length === opts.runs
  const med = (f: (r: LedgerRun) => number, digits = 3) => summarize(runs.map(f), digits)
  const searchP95 = med((r) => r.searchP95)
  const saveP95 = med((r) => r.visitSaveP95)
  // Every tap of every run: the first open after a page load.
  const open = summarize(runs.flatMap((r) => r.ledgerOpenMs), 1)
  return {
    ledgerSearch: {
      cpuThrottle: opts.cpuThrottle ?? 1,
      name: `search ${runs[0]?.households ?? '?'} households per keystroke (${QUERIES.length} queries typed character by character)`,
      runs: runs.length,
      p50Ms: med((r) => r.searchP50),
      p95Ms: { ...searchP95, budget: 20, goal: 5, pass: complete && searchP95.median <= 20, goalMet: complete && searchP95.median <= 5 },
      maxMs: med((r) => r.searchMax),
      indexBuildMs: med((r) => r.indexBuildMs, 1),
      uiKeystrokeP50Ms: med((r) => r.uiKeystrokeP50),
      uiKeystrokeP95Ms: med((r) => r.uiKeystrokeP95),
      measured: 'searchHouseholds in the app page over the index built from IndexedDB; uiKeystroke = input event → Vue list patched + layout',
      errors,
    },
    visitSave: {
      cpuThrottle: opts.cpuThrottle ?? 1,
      name: `save a visit (record + outbox, one transaction), ${SAVES} saves per run`,
      runs: runs.length,
      p50Ms: med((r) => r.visitSaveP50),
      p95Ms: { ...saveP95, budget: 15, goal: 5, pass: complete && saveP95.median <= 15, goalMet: complete && saveP95.median <= 5 },
      measured: `src/db/visits.ts saveVisit through the Repository, in the unlocked app page (sealed), ${runs[0]?.households ?? '?'} households stored`,
      errors,
    },
    ledgerOpen: {
      name: 'tap 住户 → first household rows in the DOM at a frame (fresh page load each time)',
      runs: runs.length,
      ms: { ...open, goal: 200, goalMet: complete && open.median <= 200 },
      errors,
    },
  }
}
