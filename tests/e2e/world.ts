/**
 * One describe block's browser world: a demo server, Chromium and a zh-CN context, started before
 * its tests and stopped after them (every process a test starts, the test stops).
 *
 *   const world = demoWorld()
 *   it('…', async () => { const page = await world.context.newPage(); await loginInUi(page, world.server.url, 'worker01') })
 */
import { afterAll, beforeAll } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { launchBrowser, startServer, type RunningServer, type StartServerOptions } from './harness'

export interface DemoWorld {
  server: RunningServer
  browser: Browser
  context: BrowserContext
}

export function demoWorld(opts: StartServerOptions = { demo: true }): DemoWorld {
  const world: Partial<DemoWorld> = {}
  beforeAll(async () => {
    world.server = await startServer(opts)
    world.browser = await launchBrowser()
    world.context = await world.browser.newContext({ locale: 'zh-CN' })
  })
  afterAll(async () => {
    await world.context?.close()
    await world.browser?.close()
    await world.server?.stop()
  })
  return world as DemoWorld
}
