/**
 * Probes shared by the phone benches (bench/run.ts, bench/pwa.ts, bench/encryption.ts): scripts
 * evaluated in the page, and the warm start that uses them.
 */
import path from 'node:path'
import { build } from 'vite'
import { E2E_PIN, ROOT, passLockIfAsked, type Profile } from '../tests/e2e/harness'
import { round } from './stats'

const bundles = new Map<string, string>()

/**
 * A bench file bundled (with the app's src/ it imports) into one script for page.evaluate, its
 * exports on globalThis[globalName]; `define` as for the app's own build (encryption.ts: the
 * unsealed build's flag). Never shipped.
 */
export async function pageBundle(file: string, globalName: string, define: Record<string, string> = {}): Promise<string> {
  const cacheKey = `${file}|${JSON.stringify(define)}`
  const cached = bundles.get(cacheKey)
  if (cached) return cached
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    resolve: { alias: { '@': path.join(ROOT, 'src') } },
    define,
    build: { write: false, minify: true, lib: { entry: path.join(ROOT, file), formats: ['iife'], name: globalName } },
  })
  const first = (Array.isArray(out) ? out[0] : out) as { output: Array<{ type: string; code?: string }> }
  const chunk = first.output.find((o) => o.type === 'chunk')
  if (!chunk?.code) throw new Error(`bundling ${file} produced no code`)
  const code = `${chunk.code}\n;globalThis.${globalName} = ${globalName}; undefined`
  bundles.set(cacheKey, code)
  return code
}

/** Navigation start → a head name typed into 搜索住户 is listed (first rows and search ready, in ms). */
export function searchableScript(name: string): string {
  // A string, not a function: tsx's name-keeping helpers (__name) do not exist in the page.
  return `new Promise((resolve, reject) => {
    const name = ${JSON.stringify(name)}
    let listMs = null
    const timer = setTimeout(() => reject(new Error('not searchable after 120 s')), 120000)
    const check = () => {
      const rows = [...document.querySelectorAll('.ledger-row--household')]
      const box = document.querySelector('#ledger-search')
      if (listMs === null && rows.length) listMs = performance.now()
      if (box && box.value !== name) {
        box.value = name
        box.dispatchEvent(new Event('input', { bubbles: true }))
      }
      if (box && box.value === name && rows.some((r) => r.textContent.includes(name))) {
        clearTimeout(timer)
        return resolve({ listMs: Math.round(listMs ?? performance.now()), searchableMs: Math.round(performance.now()) })
      }
      requestAnimationFrame(check)
    }
    check()
  })`
}

/** What lockMarksScript leaves in window.__fgLock; ms after the document's navigation start. */
export interface LockMarks {
  /** The lock screen's title as shown: 设置PIN码 or 输入PIN码 (null: no lock screen was shown). */
  screen: string | null
  /** Navigation start → that screen's title is in the DOM. */
  shownMs: number | null
  /** Its form was submitted (the PIN typed; Playwright's fill, not a person's thumbs). */
  submittedMs: number | null
  /** The router left /lock after that submit: Argon2id, the key opened (or made and wrapped). */
  leftMs: number | null
  /** performance.timeOrigin, to relate the marks to Date.now() and to CDP wall times. */
  timeOrigin: number
}

/**
 * An init script (context.addInitScript, before the app's first module): marks when the lock
 * screen (issue 19) shows, when its form is submitted and when the app leaves it. The lock
 * screens and the page after them are one document (router navigation), so these marks and the
 * probes above share one clock, navigation start.
 */
export const lockMarksScript = `(() => {
  if (window.__fgLock) return
  const marks = (window.__fgLock = { screen: null, shownMs: null, submittedMs: null, leftMs: null, timeOrigin: performance.timeOrigin })
  const onLock = () => location.pathname.startsWith('/lock')
  const check = () => {
    if (onLock() && marks.shownMs === null) {
      const h = [...document.querySelectorAll('h1')].find((e) => /设置PIN码|输入PIN码/.test(e.textContent))
      if (h) (marks.shownMs = performance.now()), (marks.screen = h.textContent.trim())
    }
    if (!onLock() && marks.submittedMs !== null && marks.leftMs === null) marks.leftMs = performance.now()
  }
  document.addEventListener('submit', () => { if (onLock()) (marks.submittedMs = performance.now()), (marks.leftMs = null) }, true)
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true })
})()`

/** The marks of lockMarksScript, rounded; throws when the page was not prepared with it. */
export function lockMarks(page: { evaluate(script: string): Promise<unknown> }): Promise<LockMarks> {
  return page.evaluate(`(() => {
    const m = window.__fgLock
    if (!m) throw new Error('lockMarksScript was not installed before the page loaded')
    const r = (v) => (v === null ? null : Math.round(v * 10) / 10)
    return { screen: m.screen, shownMs: r(m.shownMs), submittedMs: r(m.submittedMs), leftMs: r(m.leftMs), timeOrigin: m.timeOrigin }
  })()`) as Promise<LockMarks>
}

export interface WarmStart {
  /** Navigation start → the first household rows of 住户 are on screen (after the unlock). */
  listMs: number
  /** Navigation start → a name typed into 搜索住户 lists that household (the search index is built). */
  searchableMs: number
  /** Navigation start → 输入PIN码 on screen. */
  lockShownMs: number | null
  /** 输入PIN码 shown → submitted: Playwright noticing the screen and filling the PIN (not a person). */
  pinTypingMs: number | null
  /** 解锁 submitted → the app left /lock (Argon2id and the key opened), inside searchableMs. */
  unlockMs: number | null
  /** The app left /lock → searchable: the warm start of the data itself, the PIN aside. */
  afterUnlockSearchableMs: number | null
}

/**
 * The phone started again after its first sync: a new browser on the same profile opens 住户
 * (served by the service worker), which shows 输入PIN码 first (issue 19); the PIN is typed as soon
 * as that screen shows (passLockIfAsked), and a head-of-household name is typed into 搜索住户 as soon
 * as the box exists, again until the household is listed. Times are the page's own, from navigation
 * start (the lock screen and 住户 are one document): the unlock is inside them and reported on its own.
 */
export async function warmStart(profile: Profile, url: string, name: string, throttleRate = 1): Promise<WarmStart> {
  const context = await profile.restart()
  await context.addInitScript(lockMarksScript)
  const page = context.pages()[0] ?? (await context.newPage())
  if (throttleRate !== 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttleRate })
  await page.goto(`${url}/ledger`)
  // Started before the unlock, so the first rows are seen at the frame they appear in.
  const probe = page.evaluate(searchableScript(name)) as Promise<{ listMs: number; searchableMs: number }>
  const asked = await passLockIfAsked(page, E2E_PIN)
  if (asked !== 'unlocked') throw new Error(`the restarted phone did not ask for its PIN (${asked ?? 'no lock screen'})`)
  const found = await probe
  const m = await lockMarks(page)
  return {
    ...found,
    lockShownMs: m.shownMs,
    pinTypingMs: m.shownMs !== null && m.submittedMs !== null ? round(m.submittedMs - m.shownMs, 1) : null,
    unlockMs: m.leftMs !== null && m.submittedMs !== null ? round(m.leftMs - m.submittedMs, 1) : null,
    afterUnlockSearchableMs: m.leftMs !== null ? round(found.searchableMs - m.leftMs, 1) : null,
  }
}
