/** The service worker's Background Sync run (src/sw.ts calls runBackgroundSync on the `sync` event). */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NetworkError, runBackgroundSync } from '@/sync'
import type { MemoryServer } from './sync-server'
import { household, serverAndDevice, type Device } from './sync-helpers'

let server: MemoryServer
let dev: Device

beforeEach(async () => {
  ;({ server, dev } = await serverAndDevice('bg1'))
})
afterEach(async () => {
  await dev.db.delete()
})

describe('runBackgroundSync', () => {
  it('drains the outbox with the stored session while no page is open', async () => {
    await dev.repo.create('households', household())
    const outcome = await runBackgroundSync(dev.db, server.fetch)
    expect(outcome).toMatchObject({ ok: true, summary: { acknowledged: 1, rejected: 0 } })
    expect(await dev.db.outbox.count()).toBe(0)
    expect(server.records('households')).toHaveLength(1)
  })

  it('rethrows a network failure so the browser retries, keeping the outbox', async () => {
    await dev.repo.create('households', household())
    const offline = async () => {
      throw new TypeError('Failed to fetch')
    }
    await expect(runBackgroundSync(dev.db, offline)).rejects.toBeInstanceOf(NetworkError)
    expect(await dev.db.outbox.count()).toBe(1)
  })

  it('leaves a revocation for the page to explain, wiping nothing', async () => {
    await dev.repo.create('households', household())
    server.revokedDevices.add('bg1')
    const outcome = await runBackgroundSync(dev.db, server.fetch)
    expect(outcome).toMatchObject({ ok: false, reason: 'revoked' })
    expect(await dev.db.outbox.count()).toBe(1)
  })
})
