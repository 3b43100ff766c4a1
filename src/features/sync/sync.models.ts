/** Pure helpers for the sync views: a one-line summary of a queued change, and why it was refused. */
import { describeRejection, type RejectionParams } from '@/domain/rejections'
import type { OutboxEntry } from '@/domain/sync'

/** The most telling field a person recognises the record by. */
const SUMMARY_FIELDS = ['title', 'address', 'headName', 'name', 'type', 'outcome', 'note'] as const

export function summarizeChange(entry: Pick<OutboxEntry, 'fields' | 'recordId'>): string {
  const f = entry.fields
  for (const key of SUMMARY_FIELDS) {
    const v = f[key]
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 60)
  }
  const changed = Object.keys(f).filter((k) => k !== 'hlc' && k !== 'id' && k !== 'deleted')
  return changed.length ? changed.slice(0, 4).join(', ') : entry.recordId.slice(-8)
}

/**
 * Why a change waits in 需处理, in the worker's language: the text of its rejection code with
 * its parameters (src/domain/rejections); the server's sentence only for a code this app does
 * not know (a newer server) or an entry stored before codes existed.
 */
export function rejectionText(entry: { code?: string; params?: RejectionParams; reason?: string }, locale: string): string {
  return describeRejection(entry, locale.startsWith('zh') ? 'zh' : 'en')
}

/** Codes retrying cannot help: the record or its grid has left the worker (交接, 人员). */
const FINAL_CODES: ReadonlySet<string> = new Set(['removed_from_scope', 'handed_over', 'grid_removed'])

/** Retrying cannot help a change of a record that has left the worker's grids. */
export function canRetry(entry: { code?: string }): boolean {
  return !FINAL_CODES.has(entry.code ?? '')
}

