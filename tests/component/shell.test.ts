// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appDb } from '@/db'
import { generateCommunity } from '../../demo/generate'
import { uuidv7 } from '@/domain/ids'
import { household } from '../factories'
import { mountApp, resetDb, saveTestSession, stubFetch, until, unmountAll } from './helpers'

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  // The shell starts syncing; with no server here it meets a phone without signal.
  stubFetch(() => Promise.reject(new TypeError('offline')))
})
afterEach(() => {
  unmountAll()
  vi.unstubAllGlobals()
})

describe('tab shell', () => {
  it('shows the five tabs in order', async () => {
    const { wrapper } = await mountApp('/today')
    await until(() => wrapper.find('.van-tabbar').exists())
    const labels = wrapper.findAll('.van-tabbar-item').map((t) => t.text())
    expect(labels).toEqual(['今日', '住户', '巡查', '事件', '我的'])
  })

  it('moves between tabs', async () => {
    const { wrapper, router } = await mountApp('/today')
    await until(() => wrapper.find('.van-tabbar').exists())
    await wrapper.findAll('.van-tabbar-item')[4].trigger('click')
    await until(() => router.currentRoute.value.path === '/me')
    await until(() => wrapper.text().includes('退出登录'))
  })

  it('says honestly that the phone holds no households yet', async () => {
    const { wrapper } = await mountApp('/today')
    await until(() => wrapper.text().includes('本机还没有住户数据'))
  })

  it('counts households as the first download brings them in, without leaving the page', async () => {
    const { wrapper } = await mountApp('/today')
    await until(() => wrapper.text().includes('本机还没有住户数据'))
    const community = generateCommunity({ households: 3, secondCommunity: false })
    await appDb().households.bulkPut(community.records.households)
    await until(() => wrapper.text().includes('本机住户：3 户'))
    expect(wrapper.text()).not.toContain('本机还没有住户数据')
  })

  it('counts the households due on the 今日 tab from the first screen, before 今日 was ever opened', async () => {
    // Recorded 30 days ago, never visited: an 独居老人 household (weekly) is overdue.
    const due = household(uuidv7(), { id: uuidv7(Date.now() - 30 * 86_400_000) })
    await appDb().households.bulkPut([due])
    const { wrapper, router } = await mountApp('/me')
    await until(() => wrapper.find('.van-tabbar').exists())
    const todayTab = () => wrapper.findAll('.van-tabbar-item')[0]
    await until(() => todayTab().find('.van-badge').exists())
    expect(todayTab().find('.van-badge').text()).toBe('1')
    expect(router.currentRoute.value.path).toBe('/me')
  })
})
