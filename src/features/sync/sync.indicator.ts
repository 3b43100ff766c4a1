/**
 * The one-line sync state shown on every tab (离线 / 同步中 / 待同步 N / 已同步), as a key and
 * its parameters, so the words stay in sync.messages.ts and the rule is testable without a DOM.
 */
import type { SyncPhase } from '@/sync'

export interface IndicatorInput {
  phase: SyncPhase
  online: boolean
  pending: number
  /** First download: received so far and the total when the server told it. */
  progress: { received: number; total?: number } | null
}

export type IndicatorTone = 'ok' | 'busy' | 'pending' | 'offline' | 'problem'

export interface IndicatorState {
  key: 'revoked' | 'needsLogin' | 'syncingPercent' | 'syncing' | 'offlinePending' | 'offline' | 'failed' | 'pending' | 'synced'
  params: { n?: number; percent?: number }
  tone: IndicatorTone
}

export function indicatorState({ phase, online, pending, progress }: IndicatorInput): IndicatorState {
  if (phase === 'revoked') return { key: 'revoked', params: {}, tone: 'problem' }
  if (phase === 'needs-login') return { key: 'needsLogin', params: { n: pending }, tone: 'problem' }
  if (phase === 'pushing' || phase === 'pulling') {
    if (progress?.total) return { key: 'syncingPercent', params: { percent: Math.min(100, Math.round((progress.received / progress.total) * 100)) }, tone: 'busy' }
    return { key: 'syncing', params: {}, tone: 'busy' }
  }
  if (!online || phase === 'offline') return pending > 0 ? { key: 'offlinePending', params: { n: pending }, tone: 'offline' } : { key: 'offline', params: {}, tone: 'offline' }
  if (phase === 'error') return { key: 'failed', params: { n: pending }, tone: 'problem' }
  if (pending > 0) return { key: 'pending', params: { n: pending }, tone: 'pending' }
  return { key: 'synced', params: {}, tone: 'ok' }
}
