/** A phone for the sync tests (db + repository + engine context) and its records (tests/factories). */
import { FullGridDb, Repository, ensureDeviceId, setMeta, type NewRecord } from '@/db'
import { makeContext, type FetchLike, type SyncContext } from '@/sync'
import * as f from '../factories'
import { MemoryServer } from './sync-server'

export { T0 } from '../factories'

let dbNames = 0

export const USER_ID = '01900000-0000-7000-8000-000000000001'
export const GRID_ID = '01900000-0000-7000-8000-000000000002'
/** A grid the test user does not work in. */
export const OTHER_GRID_ID = '01900000-0000-7000-8000-000000000003'

export interface Device {
  db: FullGridDb
  repo: Repository
  ctx: SyncContext
  clock: { t: number }
}

export async function makeDevice(
  deviceId: string,
  fetch: FetchLike,
  opts: { token?: string; t?: number; pullLimit?: number; timeoutMs?: number } = {},
): Promise<Device> {
  const db = new FullGridDb(`sync-test-${deviceId}-${dbNames++}-${Math.random().toString(36).slice(2)}`)
  await ensureDeviceId(db, () => deviceId)
  await setMeta(db, 'session', {
    token: opts.token ?? `token-${deviceId}`,
    user: { id: USER_ID, name: '李网格', role: 'worker', gridIds: [GRID_ID] },
    expiresAt: Date.now() + 86_400_000,
  })
  const clock = { t: opts.t ?? f.T0 }
  const now = () => clock.t
  const repo = new Repository(db, { now })
  const ctx = makeContext({ db, fetch, now, pullLimit: opts.pullLimit ?? 1000, timeoutMs: opts.timeoutMs ?? 5_000 })
  return { db, repo, ctx, clock }
}

/**
 * The usual pair: a server running the real judge whose clock is the phone's, and a phone of a
 * worker of GRID_ID logged in on it.
 */
export async function serverAndDevice(deviceId: string, opts: Parameters<typeof makeDevice>[2] = {}): Promise<{ server: MemoryServer; dev: Device }> {
  const server = new MemoryServer()
  server.addSession(opts.token ?? `token-${deviceId}`, { userId: USER_ID, deviceId }, { role: 'worker', gridIds: [GRID_ID] })
  const dev = await makeDevice(deviceId, server.fetch, opts)
  server.now = () => dev.clock.t
  return { server, dev }
}

export function household(overrides: Partial<NewRecord<'households'>> = {}): NewRecord<'households'> {
  return f.newRecord(
    f.household(GRID_ID, { unit: '2', room: '301', address: '阳光花园3号楼2单元301室', phone: '13800001234', health: '高血压', situation: '独居', ...overrides }),
  )
}

export function issue(overrides: Partial<NewRecord<'issues'>> = {}): NewRecord<'issues'> {
  return f.newRecord(f.issue(GRID_ID, USER_ID, { category: 'sanitation', title: '楼道堆放杂物', description: '3号楼2单元楼道堆放纸箱', reportedAt: f.T0, ...overrides }))
}

export function issueEvent(issueId: string, type: NewRecord<'issueEvents'>['type'], at: number): NewRecord<'issueEvents'> {
  return f.newRecord(f.issueEvent(issueId, type, USER_ID, {}, { at }))
}

/** A record as stored, without its stamp (for comparing values across devices). */
export function strip<T extends Record<string, unknown>>(r: T | undefined): Omit<T, 'hlc'> | undefined {
  if (!r) return undefined
  const { hlc: _hlc, ...rest } = r
  return rest
}

/** Polls until `check` holds: for state that live queries and stores update a moment later. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
