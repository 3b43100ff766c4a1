/** Pure helpers for the sync views: a one-line summary of a queued change, and times. */
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

/** "14:05" today, "3月2日 14:05" on another day, in the given locale. */

