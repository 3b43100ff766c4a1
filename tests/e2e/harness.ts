/**
 * Browser-test and benchmark harness: a real server process on 127.0.0.1 (port chosen at run
 * time, fresh embedded database in a temp folder) serving the built PWA, and a headless Chromium
 * driven by playwright-core. Everything started here is stopped by the returned `stop()`/`close()`;
 * a last-resort exit hook kills any server process group still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.html')
export const DEMO_PASSWORD = 'demo1234'

export interface StartServerOptions {
  /** Seed the demo community (FULLGRID_DEMO=1). Default true. */
  demo?: boolean
  /** FULLGRID_DEMO_HOUSEHOLDS: size of the demo community. */
  households?: number
  /** Extra environment for the server process. */
  env?: Record<string, string | undefined>
  /** How long to wait for the "listening" line. Default 120 s (seeding 20,000 households takes a while). */
  timeoutMs?: number
  /** The server will serve the built PWA (checked up front). Default true; the load bench needs only the API. */
  app?: boolean
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:43817 */
  url: string
  /** The server's own process (node with tsx as a loader, not a CLI wrapper): /proc/<pid> is the server. */
  pid: number
  /** Everything the process printed so far (stdout and stderr). */
  output(): string
  /** The first match of `pattern` in the output, waiting for it (lines printed after "listening"). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL')
})

/** Fails with a clear message when the PWA has not been built (npm test builds it first). */
export function assertDistBuilt(): void {
  if (!existsSync(DIST_INDEX)) {
    throw new Error(`dist/index.html is missing: build the app first with \`npx vite build\` (npm test does this before vitest). Looked at ${DIST_INDEX}`)
  }
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  if (opts.app ?? true) assertDistBuilt()
  const mainTs = path.join(ROOT, 'server', 'main.ts')
  if (!existsSync(mainTs)) throw new Error(`server/main.ts does not exist yet (${mainTs})`)
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fullgrid-e2e-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    FULLGRID_DATA: dataDir,
    NODE_ENV: 'production',
  }
  delete env.DATABASE_URL
  if (opts.demo ?? true) env.FULLGRID_DEMO = '1'
  else delete env.FULLGRID_DEMO
  if (opts.households !== undefined) env.FULLGRID_DEMO_HOUSEHOLDS = String(opts.households)
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }

  const child = spawn(process.execPath, ['--import', 'tsx', mainTs], {
    cwd: ROOT,
    env,
    detached: true, // own process group, so stop() reaches anything it spawns
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM')
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    live.delete(child)
    await rm(dataDir, { recursive: true, force: true })
  }

  const timeoutMs = opts.timeoutMs ?? 120_000
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const started = Date.now()
      const timer = setInterval(() => {
        const m = /FullGrid listening on (https?:\/\/[^\s]+)/.exec(out)
        if (m) {
          clearInterval(timer)
          resolve(m[1].replace(/\/$/, ''))
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearInterval(timer)
          reject(new Error(`server exited (code ${child.exitCode}, signal ${child.signalCode}) before listening. Output:\n${out}`))
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(timer)
          reject(new Error(`server did not print "FullGrid listening on" within ${timeoutMs} ms. Output:\n${out}`))
        }
      }, 50)
    })
    const waitForOutput = (pattern: RegExp, waitMs = 30_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const started = Date.now()
        const timer = setInterval(() => {
          const m = pattern.exec(out)
          if (m) {
            clearInterval(timer)
            resolve(m)
          } else if (child.exitCode !== null || Date.now() - started > waitMs) {
            clearInterval(timer)
            reject(new Error(`the server did not print ${pattern} (exit code ${child.exitCode}). Output:\n${out}`))
          }
        }, 50)
      })
    return { url, pid: child.pid!, output: () => out, waitForOutput, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      /* already gone */
    }
  }
}

export const CHROME_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromePath(): string {
  const p = process.env.CHROME_PATH ?? '/usr/bin/chromium'
  if (!existsSync(p)) {
    throw new Error(`Chromium not found at ${p}: install it (apt-get update && apt-get install -y chromium) or set CHROME_PATH`)
  }
  return p
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS })
}

export interface Profile {
  context: BrowserContext
  /** The profile folder (IndexedDB lives under Default/IndexedDB). */
  dir: string
  /**
   * Ends the browser and starts it again on the same folder (a phone switched off and on):
   * `context` is the new browser's; `offline` starts it without a network.
   */
  restart(options?: { offline?: boolean }): Promise<BrowserContext>
  close(): Promise<void>
}

/**
 * A browser with its own fresh on-disk profile, like a new phone: IndexedDB and the service
 * worker's caches are real files (an incognito context keeps them in memory). close() ends the
 * browser and removes the folder.
 */
export async function launchProfile(options: { locale?: string } = {}): Promise<Profile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fullgrid-profile-'))
  const launch = (offline = false) =>
    chromium.launchPersistentContext(dir, {
      executablePath: chromePath(),
      args: CHROME_ARGS,
      locale: options.locale ?? 'zh-CN',
      offline,
    })
  let closed = false
  const profile: Profile = {
    context: await launch(),
    dir,
    async restart({ offline = false } = {}) {
      await profile.context.close().catch(() => undefined)
      profile.context = await launch(offline)
      return profile.context
    },
    async close() {
      if (closed) return
      closed = true
      await profile.context.close().catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    },
  }
  return profile
}

// ---------------------------------------------------------------------------------------------
// The HTTP API from Node (DESIGN §5), for checking what the server holds.

export interface ApiSession {
  token: string
  user: { id: string; name: string; role: string; gridIds: string[] }
}

export async function apiLogin(url: string, username: string, password = DEMO_PASSWORD, deviceId = `e2e-${username}-${Date.now()}`): Promise<ApiSession> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, deviceId }),
  })
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as ApiSession
}

export interface PulledChange {
  entity: string
  id: string
  hlc: string
  deleted: boolean
  data: Record<string, unknown>
}

/** Pulls the whole feed from the start; returns every change in order (duplicates included). */
export async function apiPullAll(url: string, token: string, limit = 5000): Promise<PulledChange[]> {
  const all: PulledChange[] = []
  let cursor: string | undefined
  for (let page = 0; page < 10_000; page++) {
    const qs = new URLSearchParams({ limit: String(limit) })
    if (cursor !== undefined) qs.set('cursor', cursor)
    const res = await fetch(`${url}/api/sync/pull?${qs}`, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`pull: HTTP ${res.status} ${await res.text()}`)
    const body = (await res.json()) as { changes: PulledChange[]; cursor: string; hasMore: boolean }
    all.push(...body.changes)
    cursor = body.cursor
    if (!body.hasMore) return all
  }
  throw new Error('pull did not finish after 10,000 pages')
}

// ---------------------------------------------------------------------------------------------
// The app, driven as a person would: by the labels they see.

export const TABS = ['今日', '住户', '巡查', '事件', '我的'] as const

export async function loginInUi(page: Page, url: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(url)
  await page.getByLabel('账号').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await passLockAfterLogin(page)
  await tab(page, '我的').waitFor({ timeout: 30_000 })
}

/** The PIN every e2e phone sets (issue 19): not a run or a repeat, which 设置PIN码 refuses. */
export const E2E_PIN = '258036'

async function typePin(page: Page, pin: string): Promise<void> {
  await page.getByLabel('PIN码', { exact: true }).fill(pin)
}

/**
 * 设置PIN码 or 输入PIN码 when the router opened one (issue 19), typed as a worker would; returns
 * which it was. The router decides before the first screen mounts (index.html's .boot splash
 * is replaced then), so the address tells once the splash is gone.
 */
export async function passLockIfAsked(page: Page, pin = E2E_PIN): Promise<'set' | 'unlocked' | null> {
  await page.waitForFunction(() => !document.querySelector('#app > .boot') && (document.querySelector('#app')?.childElementCount ?? 0) > 0, undefined, { timeout: 30_000 })
  const path = new URL(page.url()).pathname
  if (path === '/lock/set') {
    await page.getByRole('heading', { name: '设置PIN码' }).waitFor({ timeout: 30_000 })
    await typePin(page, pin)
    await page.getByLabel('确认PIN码').fill(pin)
    await page.getByRole('button', { name: '设置PIN码' }).click()
  } else if (path === '/lock') {
    await unlockInUi(page, pin)
    return 'unlocked'
  } else return null
  await page.waitForURL((u) => !u.pathname.startsWith('/lock'), { timeout: 60_000 })
  return 'set'
}

/** 输入PIN码 on the lock screen that is showing. */
export async function unlockInUi(page: Page, pin = E2E_PIN): Promise<void> {
  await page.getByRole('heading', { name: '输入PIN码' }).waitFor({ timeout: 30_000 })
  await typePin(page, pin)
  await page.getByRole('button', { name: '解锁' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/lock'), { timeout: 60_000 })
}

/** After 登录 (or a sign-in link's 设置密码并登录): the new phone's 设置PIN码, or the kept PIN's unlock. */
export async function passLockAfterLogin(page: Page, pin = E2E_PIN): Promise<void> {
  await page.waitForURL((u) => u.pathname !== '/login' && u.pathname !== '/link' && u.pathname !== '/console/setup', { timeout: 30_000 })
  await passLockIfAsked(page, pin)
}

/** page.goto, then the PIN a reopened app asks for (the key never outlives the page). */
export async function gotoUnlocked(page: Page, url: string, pin = E2E_PIN): Promise<void> {
  await page.goto(url)
  await passLockIfAsked(page, pin)
}

/** page.reload, then the PIN. */
export async function reloadUnlocked(page: Page, pin = E2E_PIN): Promise<void> {
  await page.reload()
  await passLockIfAsked(page, pin)
}

/** The bottom tab bar's item with this label (Vant tabbar items are links or plain elements). */
export function tab(page: Page, name: string) {
  return page
    .getByRole('tab', { name, exact: true })
    .or(page.getByRole('link', { name, exact: true }))
    .or(page.getByRole('button', { name, exact: true }))
    .or(page.locator('.van-tabbar-item').filter({ hasText: name }))
    .first()
}

/** 上报事件 form: the required 类别, picked from its picker by its visible label. */
export async function chooseCategory(page: Page, label: string): Promise<void> {
  await page.getByLabel('类别').click()
  await page.locator('.van-picker-column__item').filter({ hasText: label }).first().click()
  await page.locator('.van-picker__confirm').click()
  await page.waitForFunction((want) => (document.querySelector('input[name="category"]') as HTMLInputElement | null)?.value === want, label)
}

/**
 * The shared date control (src/ui/DateField.vue) found by its label: opens its picker and picks
 * the day 'YYYY-MM-DD' by the options' visible text (2026年, 12月, 5日), then 确定.
 */
export async function chooseDay(page: Page, label: string, day: string): Promise<void> {
  const [y, m, d] = day.split('-').map(Number)
  await page.getByRole('button', { name: label, exact: true }).click()
  const picker = page.locator('.van-popup .van-picker').filter({ hasText: label })
  for (const [i, text] of [`${y}年`, `${m}月`, `${d}日`].entries()) {
    // Options outside the picker's window are still in the page: click them as the page does.
    await picker.locator('.van-picker-column').nth(i).locator('.van-picker-column__item').filter({ hasText: new RegExp(`^${text}$`) }).dispatchEvent('click')
  }
  await picker.locator('.van-picker__confirm').click()
  await page.getByRole('button', { name: label, exact: true }).filter({ hasText: `${y}年${m}月${d}日` }).waitFor()
}

// ---------------------------------------------------------------------------------------------
// Sync status as the 我的 page shows it: "待同步 N 条" and the "立即同步" button.

/** Opens the 我的 tab (where sync status lives). */
export async function openMine(page: Page): Promise<void> {
  await tab(page, '我的').click()
  await page.getByText(/待同步\s*[\d,]+\s*条/).first().waitFor({ timeout: 30_000 })
}

/** The number shown in "待同步 N 条" on the 我的 page. */
export async function shownPending(page: Page): Promise<number> {
  const text = await page.getByText(/待同步\s*[\d,]+\s*条/).first().innerText()
  const m = /待同步\s*([\d,]+)\s*条/.exec(text)
  if (!m) throw new Error(`no pending count in "${text}"`)
  return Number(m[1].replace(/,/g, ''))
}

/** Waits (polling in the page, 20 ms) until the 我的 page shows "待同步 N 条". */
export async function waitForShownPending(page: Page, n: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const m = /待同步\s*([\d,]+)\s*条/.exec(document.body.innerText)
      return m !== null && Number(m[1].replace(/,/g, '')) === want
    },
    n,
    { polling: 20, timeout },
  )
}

export async function clickSyncNow(page: Page): Promise<void> {
  await page.getByRole('button', { name: '立即同步' }).click()
}

/**
 * The 我的 page says a whole sync run has finished: "待同步 0 条", a "上次同步 …" time (shown only
 * after a successful run; a new phone says "尚未同步"), and no upload/download in progress.
 */
export async function waitForSynced(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const t = document.body.innerText
      return /待同步\s*0\s*条/.test(t) && /上次同步/.test(t) && !/正在(上传|下载)|首次下载/.test(t)
    },
    undefined,
    { polling: 20, timeout },
  )
}

/**
 * Counts the households in the app's IndexedDB (read-only; for checking a benchmark's result):
 * the ids listed by the directories of their packs (src/db/packs.ts). A sealed directory (a PIN
 * is set, issue 19) is opened with the unlocked page's data key, as src/db/crypto/cipher.ts
 * seals it: iv ‖ AES-GCM([u32 json length][json][u32 length, bytes]…).
 */
export async function storedHouseholds(page: Page, dbName = 'fullgrid'): Promise<number> {
  return page.evaluate(async (name) => {
    const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const open = indexedDB.open(name)
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const db = open.result
        const req = db.transaction('packs', 'readonly').objectStore('packs').getAll(IDBKeyRange.bound('households|d|', 'households|d|\uffff'))
        req.onsuccess = () => (db.close(), resolve(req.result as Record<string, unknown>[]))
        req.onerror = () => reject(req.error)
      }
    })
    const keyring = (globalThis as Record<symbol, { key: Uint8Array | null } | undefined>)[Symbol.for('fullgrid.keyring')]
    const key = keyring?.key ? await crypto.subtle.importKey('raw', keyring.key.slice(), 'AES-GCM', false, ['decrypt']) : null
    let n = 0
    for (const row of rows) {
      const sealed = row['\u0000sealed'] as Uint8Array | undefined
      if (!sealed) {
        for (const ids of Object.values((row as { chunks: Record<string, Uint32Array> }).chunks)) n += ids.length
        continue
      }
      if (!key) throw new Error('the store is sealed and the page is locked')
      const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.slice(0, 12) }, key, sealed.slice(12)))
      const view = new DataView(plain.buffer)
      const headLen = view.getUint32(0)
      // Binary parts (the Uint32Array fingerprints of each chunk's ids) follow the JSON, each length-prefixed.
      const partBytes: number[] = []
      for (let at = 4 + headLen; at < plain.length; at += 4 + view.getUint32(at)) partBytes.push(view.getUint32(at))
      const dir = JSON.parse(new TextDecoder().decode(plain.subarray(4, 4 + headLen))) as { chunks: Record<string, { '\u0000bin': number }> }
      for (const ref of Object.values(dir.chunks)) n += partBytes[ref['\u0000bin']]! / 4
    }
    return n
  }, dbName)
}
