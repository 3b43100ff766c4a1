/** Small factories for the sync tests: a device (db + repository + engine context) and records. */
import { FullGridDb, Repository, ensureDeviceId, setMeta, type NewRecord } from '@/db'
import { uuidv7 } from '@/domain/ids'
import { makeContext, type FetchLike, type SyncContext } from '@/sync'

let dbNames = 0

export const USER_ID = '01900000-0000-7000-8000-000000000001'
export const GRID_ID = '01900000-0000-7000-8000-000000000002'

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
  const clock = { t: opts.t ?? 1_763_880_000_000 }
  const now = () => clock.t
  const repo = new Repository(db, { now })
  const ctx = makeContext({ db, fetch, now, pullLimit: opts.pullLimit ?? 1000, timeoutMs: opts.timeoutMs ?? 5_000 })
  return { db, repo, ctx, clock }
}

export function household(overrides: Partial<NewRecord<'households'>> = {}): NewRecord<'households'> {
  return {
    gridId: GRID_ID,
    buildingId: null,
    unit: '2',
    room: '301',
    address: '阳光花园3号楼2单元301室',
    headName: '王秀英',
    phone: '13800001234',
    members: [],
    tags: ['living_alone_elder'],
    health: '高血压',
    situation: '独居',
    needs: '',
    notes: '',
    ...overrides,
  }
}

export function issue(overrides: Partial<NewRecord<'issues'>> = {}): NewRecord<'issues'> {
  return {
    gridId: GRID_ID,
    householdId: null,
    type: 'issue',
    source: 'patrol',
    category: 'sanitation',
    title: '楼道堆放杂物',
    description: '3号楼2单元楼道堆放纸箱',
    photoIds: [],
    level: 'micro',
    reportedAt: 1_763_880_000_000,
    reportedBy: USER_ID,
    ...overrides,
  }
}

export function issueEvent(issueId: string, type: NewRecord<'issueEvents'>['type'], at: number): NewRecord<'issueEvents'> {
  return { issueId, type, actorId: USER_ID, at, data: {} }
}

export const newId = () => uuidv7()

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
