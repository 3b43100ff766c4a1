/**
 * Issue 18 end to end: a street office sets itself up in the console (1,366 × 768) — the admin
 * creates a community, imports a GeoJSON of two grids, places a building, creates a worker and
 * shows the 扫码登录 link; the worker's phone (390 × 844) opens the link, sets a password and
 * downloads the grid and records a visit in it, which syncs; a second visit is saved with no signal;
 * the grid is handed to a second worker in the console (交接), which says what moved; the phone
 * comes back online: the offline visit, made while the grid was the worker's, is accepted
 * (DESIGN §8.8) and the phone loses those households.
 */
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import type { Browser, Page } from 'playwright-core'
import { apiLogin, apiPullAll, clickSyncNow, launchBrowser, openMine, startServer, storedHouseholds, waitForShownPending, type RunningServer, gotoUnlocked, passLockAfterLogin, reloadUnlocked } from './harness'

const ring = (lng: number, lat: number, d = 0.004) => [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]
const GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: '东区网格', code: 'XH-01' }, geometry: { type: 'Polygon', coordinates: [ring(120.38, 36.07)] } },
    { type: 'Feature', properties: { name: '西区网格', code: 'XH-02' }, geometry: { type: 'Polygon', coordinates: [ring(120.385, 36.07)] } },
  ],
})

/** The 保存 of the form that holds the field with this label (several forms may be open). */
function saveOf(page: Page, fieldLabel: string) {
  return page.getByLabel(fieldLabel, { exact: true }).locator('xpath=ancestor::form').getByRole('button', { name: '保存' })
}

/** The confirmation dialog's own button (it repeats the action's label, e.g. 导入). */
async function confirmDialog(page: Page, label: string): Promise<void> {
  await page.getByRole('dialog').getByRole('button', { name: label, exact: true }).click()
}

/** Opens the household on the phone and fills a 入户走访 (met, every yes/no item 是); the caller saves it. */
async function fillVisit(phone: Page, url: string, householdId: string, notes: string): Promise<void> {
  await gotoUnlocked(phone, `${url}/ledger/h/${householdId}`)
  await phone.getByRole('link', { name: '入户走访' }).or(phone.getByRole('button', { name: '入户走访' })).first().click()
  await phone.getByLabel('见到本人').check()
  // The checklist is read from the phone's database after the form: wait for it before answering.
  const yesNo = phone.locator('fieldset').filter({ has: phone.getByLabel('是', { exact: true }) })
  await yesNo.first().waitFor({ timeout: 30_000 })
  for (const group of await yesNo.all()) await group.getByLabel('是', { exact: true }).check()
  for (const label of ['健康状况清', '家庭情况清', '诉求需求清']) {
    const field = phone.getByLabel(label)
    if (await field.count()) await field.fill('正常')
  }
  await phone.getByRole('textbox', { name: '走访记录' }).fill(notes)
}

describe('a street office sets itself up (browser)', () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  const dir = tmpdir()

  beforeAll(async () => {
    server = await startServer({ demo: true, households: 50 })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('admin → community, grids, building, worker, QR link; phone signs in; 交接 takes the households away', { timeout: 300_000 }, async () => {
    const url = server!.url
    const desk = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const console_ = await desk.newPage()
    await console_.goto(`${url}/login`)
    await console_.getByLabel('账号').fill('admin')
    await console_.getByLabel('密码').fill('demo1234')
    await console_.getByRole('button', { name: '登录' }).click()
    await passLockAfterLogin(console_)
    await console_.waitForURL(/\/console/, { timeout: 30_000 })

    // 社区与网格: a new community, then its two grids from a GeoJSON file (预检 first)
    await console_.getByRole('link', { name: '社区与网格' }).click()
    await console_.getByRole('button', { name: '新建社区' }).click()
    await console_.getByLabel('社区名称').fill('新华社区')
    await console_.getByLabel('社区编码').fill('XH')
    await saveOf(console_, '社区编码').click()
    await console_.getByText('已新建社区“新华社区”').waitFor()
    const file = path.join(dir, `fullgrid-e2e-grids-${Date.now()}.geojson`)
    await writeFile(file, GEOJSON)
    await console_.getByLabel('边界文件（GeoJSON 或 KML）').setInputFiles(file)
    await console_.getByRole('button', { name: '预检（不保存）' }).click()
    await console_.getByText('没有问题，可以导入。').waitFor()
    await console_.getByRole('button', { name: '导入', exact: true }).click()
    await confirmDialog(console_, '导入')
    await console_.getByText('已导入：新建 2 个，更新 0 个').waitFor()
    await console_.getByRole('cell', { name: '西区网格' }).first().waitFor()

    // 楼栋: placed by its coordinates, it lands in 东区网格 by the boundary
    await console_.getByRole('link', { name: '楼栋' }).click()
    await console_.getByRole('button', { name: '新建楼栋' }).click()
    await console_.getByLabel('小区').fill('新华小区')
    await console_.getByRole('textbox', { name: '楼栋', exact: true }).fill('1号楼')
    await console_.getByLabel('经度').fill('120.381')
    await console_.getByLabel('纬度').fill('36.071')
    await console_.getByLabel('坐标系', { exact: true }).selectOption({ label: 'WGS84（GPS）' })
    await saveOf(console_, '纬度').click()
    await console_.getByText('已新建“新华小区1号楼”').waitFor({ timeout: 10_000 }).catch(async (err) => {
      await console_.screenshot({ path: path.join(dir, 'fullgrid-admin-building.png') })
      throw err
    })
    await console_.getByText('东区网格（1）').waitFor()

    // 人员: the worker of 东区网格, without a password; then the QR link
    await console_.getByRole('link', { name: '人员' }).click()
    await console_.getByRole('button', { name: '新建人员' }).click()
    await console_.getByLabel('姓名').fill('刘洋')
    await console_.getByLabel('用户名').fill('liuyang')
    await console_.getByLabel('手机').fill('13800138001')
    await console_.getByLabel('网格', { exact: true }).selectOption({ label: '东区网格' })
    await saveOf(console_, '用户名').click()
    await console_.getByText('已新建“刘洋”').waitFor({ timeout: 10_000 }).catch(async (err) => {
      await console_.screenshot({ path: path.join(dir, 'fullgrid-admin-person.png') })
      throw err
    })
    await console_.getByRole('button', { name: '扫码登录 刘洋' }).click()
    await console_.getByRole('button', { name: '生成二维码' }).click()
    await console_.locator('img[alt="登录二维码"]').waitFor()
    const link = await console_.getByLabel('登录链接').inputValue()
    expect(link).toMatch(/\/link#t=/)
    const visible = await console_.locator('body').innerText()
    expect(visible).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/)

    // Households of 东区网格 from the existing ledger import, through the API
    const admin = await apiLogin(url, 'admin')
    const communities = (await (await fetch(`${url}/api/admin/communities`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as { communities: { id: string; name: string }[] }
    const community = communities.communities.find((c) => c.name === '新华社区')!
    const grids = (await (await fetch(`${url}/api/admin/communities/${community.id}/grids`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as { grids: { id: string; name: string }[] }
    const east = grids.grids.find((g) => g.name === '东区网格')!
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('台账')
    ws.addRow(['小区', '楼栋', '单元', '房号', '户主'])
    ws.addRow(['新华小区', '1号楼', '1', '101', '周建国'])
    ws.addRow(['新华小区', '1号楼', '1', '102', '吴秀英'])
    const form = new FormData()
    form.append('file', new Blob([await wb.xlsx.writeBuffer()]), 'ledger.xlsx')
    const imported = await fetch(`${url}/api/import/households?gridId=${east.id}&dryRun=0`, { method: 'POST', body: form, headers: { authorization: `Bearer ${admin.token}` } })
    expect(imported.status).toBe(200)

    // The phone opens the link, sets a password and downloads its grid
    const phoneContext = await browser!.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true })
    const phone = await phoneContext.newPage()
    await phone.goto(link.replace(/^https?:\/\/[^/]+/, url))
    await phone.getByLabel('新密码').fill('liuyang-pass-1')
    await phone.getByLabel('确认密码').fill('liuyang-pass-1')
    await phone.getByRole('button', { name: '设置密码并登录' }).click()
    await passLockAfterLogin(phone)
    await phone.waitForURL(/\/today/, { timeout: 30_000 })
    expect(new URL(phone.url()).hash).toBe('')
    await expect.poll(() => storedHouseholds(phone), { timeout: 60_000 }).toBe(2)
    await phone.getByText('东区网格').first().waitFor({ timeout: 30_000 })

    // The worker records a visit in the new grid; it syncs.
    const households = (await apiPullAll(url, admin.token)).filter((c) => c.entity === 'households' && c.data.gridId === east.id)
    const idOf = (head: string) => households.find((c) => c.data.headName === head)!.id
    const onlineNotes = `新网格第一次走访 ${Date.now().toString(36)}`
    await fillVisit(phone, url, idOf('周建国'), onlineNotes)
    await phone.getByRole('button', { name: '保存走访' }).click()
    await phone.locator('.ledger-timeline__item').filter({ hasText: onlineNotes }).waitFor({ timeout: 30_000 })
    await gotoUnlocked(phone, `${url}/me`) // the household page has no tab bar
    await openMine(phone)
    await clickSyncNow(phone)
    await waitForShownPending(phone, 0, 60_000)
    const serverNotes = async () => (await apiPullAll(url, admin.token)).filter((c) => c.entity === 'visits').map((c) => String(c.data.notes))
    expect(await serverNotes()).toContain(onlineNotes)

    // A second visit is saved in a stairwell with no signal, before the 交接.
    const offlineNotes = `交接前无信号时的走访 ${Date.now().toString(36)}`
    await fillVisit(phone, url, idOf('吴秀英'), offlineNotes)
    await phoneContext.setOffline(true)
    await phone.getByRole('button', { name: '保存走访' }).click()
    await phone.locator('.ledger-timeline__item').filter({ hasText: offlineNotes }).getByText('待同步').waitFor({ timeout: 30_000 })

    // 交接: a second worker takes 东区网格 over
    const second = await fetch(`${url}/api/admin/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ communityId: community.id, username: 'chenjing', name: '陈静', phone: '13800138002', role: 'worker', gridIds: [grids.grids.find((g) => g.name === '西区网格')!.id], password: 'chenjing-pass-1' }),
    })
    expect(second.status).toBe(200)
    await console_.getByRole('link', { name: '社区与网格' }).click()
    await reloadUnlocked(console_)
    await console_.getByLabel('社区', { exact: true }).selectOption({ label: '新华社区' })
    await console_.getByRole('button', { name: '交接 东区网格' }).click()
    await console_.getByLabel('接手人').selectOption({ label: '陈静（网格员）' })
    await console_.getByRole('button', { name: '交接', exact: true }).click()
    // The console says what moved with the grid: its households, its building, no open issue.
    await console_.getByText(/已将“东区网格”从刘洋交接给陈静：2 户、[1-9]\d* 栋楼、0 件未办结事件随网格移交/).waitFor()

    // Signal again: the visit made while the grid was the worker's is accepted (nothing waits in
    // 需处理), and the phone loses the grid's households.
    await phoneContext.setOffline(false)
    await gotoUnlocked(phone, `${url}/me`) // the household page has no tab bar
    await openMine(phone)
    await clickSyncNow(phone)
    await waitForShownPending(phone, 0, 60_000)
    await expect.poll(() => storedHouseholds(phone), { timeout: 60_000 }).toBe(0)
    await phone.getByText('需处理 (0)').waitFor()
    const visits = (await apiPullAll(url, admin.token)).filter((c) => c.entity === 'visits' && [onlineNotes, offlineNotes].includes(String(c.data.notes)))
    expect(visits.map((v) => v.data.householdId).sort()).toEqual([idOf('周建国'), idOf('吴秀英')].sort())
    await desk.close()
    await phoneContext.close()
  })
})
