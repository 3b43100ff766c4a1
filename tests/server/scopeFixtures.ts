/**
 * Two communities side by side, as the demo has them, for scope tests:
 *   community 1: grid A (with micro-grid A1) and grid B; supervisor sup1, workers wa (A) and wb (B)
 *   community 2: grid X; supervisor sup2, worker wx (X)
 *   an admin over everything.
 * Each user is logged in on a device of their own (`dev-<username>`).
 */
import type { FastifyInstance } from 'fastify'
import type { Database } from '../../server/db/adapter'
import { uuidv7 } from '../../src/domain/ids'
import type { Grid } from '../../src/domain/entities'
import { createTestGrid, createTestUser, login, type LoggedIn, type TestUser } from './helper'

export interface TwoCommunities {
  c1: Grid
  c2: Grid
  gridA: Grid
  microA1: Grid
  gridB: Grid
  gridX: Grid
  users: Record<'sup1' | 'sup2' | 'wa' | 'wb' | 'wx' | 'admin', TestUser>
  as: Record<'sup1' | 'sup2' | 'wa' | 'wb' | 'wx' | 'admin', LoggedIn>
}

/**
 * `device`: the device each user logs in on. Sync suites stamp every push with one
 * testClock('dev-s'), and the server refuses stamps of a device other than the session's (issue 7
 * item 3), so they share one device; the device suites give each user a phone of their own.
 */
export async function twoCommunities(
  db: Database,
  app: FastifyInstance,
  prefix = '',
  device: (username: string) => string = () => 'dev-s',
): Promise<TwoCommunities> {
  const c1Id = uuidv7()
  const c2Id = uuidv7()
  const c1 = await createTestGrid(db, { id: c1Id, communityId: c1Id, level: 'community', name: '香港路社区', code: `${prefix}XGL` })
  const c2 = await createTestGrid(db, { id: c2Id, communityId: c2Id, level: 'community', name: '苏州路社区', code: `${prefix}SZL` })
  const gridA = await createTestGrid(db, { communityId: c1Id, parentId: c1Id, name: '第一网格', code: `${prefix}XGL-01` })
  const microA1 = await createTestGrid(db, { communityId: c1Id, parentId: gridA.id, level: 'micro', name: '第一网格第一微网格', code: `${prefix}XGL-01-01` })
  const gridB = await createTestGrid(db, { communityId: c1Id, parentId: c1Id, name: '第二网格', code: `${prefix}XGL-02` })
  const gridX = await createTestGrid(db, { communityId: c2Id, parentId: c2Id, name: '第一网格', code: `${prefix}SZL-01` })
  const users = {
    sup1: await createTestUser(db, { username: `${prefix}sup1`, role: 'supervisor', gridIds: [c1Id] }),
    sup2: await createTestUser(db, { username: `${prefix}sup2`, role: 'supervisor', gridIds: [c2Id] }),
    wa: await createTestUser(db, { username: `${prefix}wa`, gridIds: [gridA.id] }),
    wb: await createTestUser(db, { username: `${prefix}wb`, gridIds: [gridB.id] }),
    wx: await createTestUser(db, { username: `${prefix}wx`, gridIds: [gridX.id] }),
    admin: await createTestUser(db, { username: `${prefix}admin`, role: 'admin' }),
  }
  const as = {} as TwoCommunities['as']
  for (const [key, u] of Object.entries(users) as [keyof typeof users, TestUser][]) {
    as[key] = await login(app, u.username, u.password, device(u.username))
  }
  return { c1, c2, gridA, microA1, gridB, gridX, users, as }
}
