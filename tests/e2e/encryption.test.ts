/**
 * Issue 19, as a finder of a lost phone would try it: the worker signs in, sets a PIN, syncs the
 * grid and reports an issue naming a resident with no signal (so it waits in the outbox). Then the
 * browser is shut and the profile folder's IndexedDB files are read byte by byte — LevelDB's
 * write-ahead log keeps values as written — for the resident's name, phone and ID number in
 * every encoding a string may take there (UTF-8, and V8's one- and two-byte forms). None may be
 * there. The login name, which the app keeps in the clear on purpose (it is read before the
 * PIN), must be found: the scan would see plaintext if there were any.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiLogin,
  apiPullAll,
  chooseCategory,
  E2E_PIN,
  launchProfile,
  loginInUi,
  openMine,
  passLockIfAsked,
  shownPending,
  startServer,
  tab,
  unlockInUi,
  waitForSynced,
  type Profile,
  type RunningServer,
} from './harness'

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else out.push(p)
  }
  return out
}

/** The forms a stored string can take on disk: UTF-8, Latin-1 (V8 one-byte), UTF-16LE (two-byte). */
function encodings(text: string): Buffer[] {
  const forms = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')]
  if ([...text].every((c) => c.charCodeAt(0) < 256)) forms.push(Buffer.from(text, 'latin1'))
  return forms
}

async function foundOnDisk(root: string, needles: string[]): Promise<string[]> {
  const files = (await filesUnder(root)).filter((f) => f.includes(`${path.sep}IndexedDB${path.sep}`))
  expect(files.length, 'the profile has IndexedDB files').toBeGreaterThan(0)
  const found = new Set<string>()
  for (const f of files) {
    const bytes = await readFile(f)
    for (const n of needles) if (encodings(n).some((form) => bytes.includes(form))) found.add(n)
  }
  return [...found]
}

describe('a lost phone gives away no resident’s data (issue 19)', () => {
  let server: RunningServer
  let profile: Profile
  beforeAll(async () => {
    server = await startServer()
    profile = await launchProfile()
  })
  afterAll(async () => {
    await profile?.close()
    await server?.stop()
  })

  it('stores no name, phone or ID number in the clear, after a first sync and an offline report', { timeout: 240_000 }, async () => {
    const worker = await apiLogin(server.url, 'worker01')
    // A resident of the worker's grid, as the server holds them (the phone downloads them).
    const households = (await apiPullAll(server.url, worker.token)).filter((c) => c.entity === 'households' && !c.deleted)
    const withId = households.find((c) => (c.data.members as { idNumber?: string }[] | undefined)?.some((m) => m.idNumber))!
    expect(withId, 'the demo has a household with an ID number').toBeDefined()
    const member = (withId.data.members as { name: string; phone?: string; idNumber: string }[]).find((m) => m.idNumber)!
    const resident = { name: String(withId.data.headName), phone: String(withId.data.phone), idNumber: member.idNumber }

    const page = await profile.context.newPage()
    await loginInUi(page, server.url, 'worker01') // 设置PIN码 is part of it
    await openMine(page)
    await waitForSynced(page, 120_000)

    // 锁定 on 我的: the same page back after the PIN, the data readable again.
    await page.getByRole('button', { name: '锁定' }).click()
    await page.waitForURL(/\/lock/)
    await page.getByLabel('PIN码', { exact: true }).fill('000001')
    await page.getByRole('button', { name: '解锁' }).click()
    await page.getByText('PIN码错误，还可尝试 4 次').waitFor()
    await unlockInUi(page, E2E_PIN)
    await page.waitForURL(/\/me$/)

    // No signal: a report naming the resident waits in the outbox (not packed, not deflated).
    const marker = `独居老人${resident.name}联系电话${resident.phone}身份证${resident.idNumber}`
    // The service worker serves the app with no signal once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })
    await profile.context.setOffline(true)
    await tab(page, '事件').click()
    await page.getByRole('link', { name: '上报事件' }).or(page.getByRole('button', { name: '上报事件' })).first().click()
    await page.getByLabel('标题').fill(`走访发现 ${resident.name} 家中燃气异味`)
    await page.getByLabel('描述').fill(marker)
    await chooseCategory(page, '消防安全')
    await page.getByRole('button', { name: '提交' }).click()
    await page.getByText(`走访发现 ${resident.name} 家中燃气异味`, { exact: true }).waitFor({ timeout: 15_000 })
    await openMine(page)
    expect(await shownPending(page)).toBeGreaterThan(0)

    // The phone is switched off: whatever IndexedDB holds is on disk now.
    await profile.context.close()
    const found = await foundOnDisk(profile.dir, [resident.name, resident.phone, resident.idNumber, marker, 'worker01'])
    expect(found, 'only the login name, kept in the clear on purpose').toEqual(['worker01'])

    // Switched on again: the PIN opens the same data, the report still waiting.
    const context = await profile.restart({ offline: true })
    const again = context.pages()[0] ?? (await context.newPage())
    await again.goto(server.url)
    expect(await passLockIfAsked(again)).toBe('unlocked')
    await tab(again, '事件').click()
    await again.getByText(`走访发现 ${resident.name} 家中燃气异味`, { exact: true }).waitFor({ timeout: 15_000 })
  })
})
