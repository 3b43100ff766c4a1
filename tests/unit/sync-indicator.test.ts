import { describe, expect, it } from 'vitest'
import { indicatorState } from '@/features/sync/sync.indicator'

const base = { phase: 'idle' as const, online: true, pending: 0, progress: null }

describe('sync indicator on every tab', () => {
  it('says 已同步, 待同步 N, 离线 and 同步中 from the store', () => {
    expect(indicatorState(base).key).toBe('synced')
    expect(indicatorState({ ...base, pending: 3 })).toMatchObject({ key: 'pending', params: { n: 3 } })
    expect(indicatorState({ ...base, online: false }).key).toBe('offline')
    expect(indicatorState({ ...base, online: false, pending: 2 })).toMatchObject({ key: 'offlinePending', params: { n: 2 } })
    expect(indicatorState({ ...base, phase: 'pushing', pending: 2 }).key).toBe('syncing')
    expect(indicatorState({ ...base, phase: 'pulling', progress: { received: 250, total: 1000 } })).toMatchObject({ key: 'syncingPercent', params: { percent: 25 } })
  })

  it('puts a problem before a pending count', () => {
    expect(indicatorState({ ...base, phase: 'error', pending: 4 })).toMatchObject({ key: 'failed', tone: 'problem' })
    expect(indicatorState({ ...base, phase: 'needs-login', pending: 4 }).key).toBe('needsLogin')
    expect(indicatorState({ ...base, phase: 'revoked', online: false }).key).toBe('revoked')
  })
})
