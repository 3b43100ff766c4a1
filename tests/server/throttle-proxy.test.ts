/**
 * Login throttling that an attacker can neither dodge nor turn on a worker (issue 7.9):
 * FULLGRID_TRUST_PROXY is a hop count or proxy addresses, never "believe the leftmost
 * X-Forwarded-For"; failures count per account+address, per address, per account (higher), and a
 * device that logged in before keeps its own allowance.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { ConfigError, loadConfig, trustProxyFrom } from '../../server/config'
import { buildTestApp, createTestUser, injectJson, testDatabases, type TestUser } from './helper'

describe('FULLGRID_TRUST_PROXY', () => {
  it('takes a hop count or proxy addresses/CIDRs, and refuses "trust everything"', () => {
    expect(trustProxyFrom(undefined)).toBe(false)
    expect(trustProxyFrom('0')).toBe(false)
    expect(trustProxyFrom('1')).toBe(1)
    expect(trustProxyFrom('2')).toBe(2)
    expect(trustProxyFrom('10.0.0.5, 172.16.0.0/12,::1')).toEqual(['10.0.0.5', '172.16.0.0/12', '::1'])
    expect(trustProxyFrom('loopback')).toEqual(['loopback'])
    expect(() => trustProxyFrom('true')).toThrow(ConfigError)
    expect(() => trustProxyFrom('proxy.local')).toThrow(/not a hop count, an IP address or a CIDR/)
    expect(() => trustProxyFrom('10.0.0.0/40')).toThrow(ConfigError)
  })
})

describe.each(testDatabases())('login throttling on $name', (tdb) => {
  let db: Database
  let app: FastifyInstance
  let worker: TestUser

  const PROXY = '10.9.9.9'
  const login = (username: string, password: string, o: { deviceId?: string; forwardedFor?: string; remote?: string } = {}) =>
    injectJson(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password, deviceId: o.deviceId ?? 'stranger-device' },
      remoteAddress: o.remote ?? PROXY,
      headers: o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {},
    })
  const forged = (i: number) => `198.51.100.${i}`

  async function build(trustProxy: string) {
    db = await tdb.open()
    app = await buildTestApp(db, {
      trustProxy: loadConfig({ FULLGRID_TRUST_PROXY: trustProxy }).trustProxy,
      auth: { throttle: { perAddress: 6, windowMs: 60_000 } },
    })
    worker = await createTestUser(db, { username: 'worker01' })
  }
  afterEach(async () => {
    await app.close()
    await db.close()
  })

  describe.each([
    ['a hop count', '1'],
    ['the proxy address', `${PROXY}`],
    ['a CIDR of proxies', '10.0.0.0/8'],
  ])('behind one proxy named by %s', (_, trustProxy) => {
    beforeEach(() => build(trustProxy))

    it('a forged X-Forwarded-For does not dodge the per-address limit', async () => {
      // The proxy appends the address it saw (203.0.113.7); the attacker writes the rest.
      for (let i = 0; i < 6; i++) {
        const res = await login(`guess${i}`, 'wrong', { forwardedFor: `${forged(i)}, 203.0.113.7` })
        expect(res.status).toBe(401)
      }
      const blocked = await login('guess-next', 'wrong', { forwardedFor: `${forged(99)}, 203.0.113.7` })
      expect(blocked.status).toBe(429)
      expect(blocked.body.error).toBe('too_many_attempts')
      // Another client behind the same proxy is not affected.
      expect((await login('worker01', worker.password, { forwardedFor: '203.0.113.8' })).status).toBe(200)
    })
  })

  describe('a worker and an attacker', () => {
    beforeEach(() => build('1'))

    it("the worker's known device still logs in after an attacker's failures, also from the same address", async () => {
      const home = '203.0.113.20'
      expect((await login('worker01', worker.password, { deviceId: 'phone-of-worker', forwardedFor: home })).status).toBe(200)
      // Anonymous wrong passwords for the worker's account, from the worker's own address (one
      // carrier NAT) and from elsewhere, until the stranger is throttled.
      for (let i = 0; i < 5; i++) expect((await login('worker01', 'wrong', { forwardedFor: home })).status).toBe(401)
      expect((await login('worker01', 'wrong', { forwardedFor: home })).status).toBe(429)
      for (let i = 0; i < 5; i++) expect((await login('worker01', 'wrong', { forwardedFor: `203.0.113.${30 + i}` })).status).toBe(401)

      // The worker's phone keeps its own allowance.
      expect((await login('worker01', worker.password, { deviceId: 'phone-of-worker', forwardedFor: home })).status).toBe(200)
      // A new phone from another address is judged by its own account+address (and the higher
      // per-account limit), so strangers' five guesses do not lock it either.
      expect((await login('worker01', worker.password, { deviceId: 'new-phone', forwardedFor: '203.0.113.60' })).status).toBe(200)
    })

    it('a known device has its own limit too: guessing with its id is throttled', async () => {
      expect((await login('worker01', worker.password, { deviceId: 'phone-of-worker', forwardedFor: '203.0.113.20' })).status).toBe(200)
      for (let i = 0; i < 5; i++) {
        expect((await login('worker01', 'wrong', { deviceId: 'phone-of-worker', forwardedFor: forged(i) })).status).toBe(401)
      }
      expect((await login('worker01', worker.password, { deviceId: 'phone-of-worker', forwardedFor: forged(9) })).status).toBe(429)
    })

    it('guessing spread over many addresses meets the per-account limit', async () => {
      await app.close()
      await db.close()
      db = await tdb.open()
      app = await buildTestApp(db, { trustProxy: 1, auth: { throttle: { perAccount: 8, windowMs: 60_000 } } })
      worker = await createTestUser(db, { username: 'worker01' })
      for (let i = 0; i < 8; i++) expect((await login('worker01', 'wrong', { forwardedFor: forged(i) })).status).toBe(401)
      expect((await login('worker01', worker.password, { forwardedFor: forged(50) })).status).toBe(429)
    })
  })
})
