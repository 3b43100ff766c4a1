/**
 * Pure logic of the issues feature: what one list row shows, the 7135 deadline, the draft a
 * report form fills, and how a refused save is told to the person.
 */
import { ISSUE_LEVELS } from '@/domain/constants'
import type { Issue } from '@/domain/entities'
import { deriveIssueState, type IssueState } from '@/domain/issueState'
import type { IssueRow, IssueSyncMark } from '@/db/issues'
import { StorageFullError, ValidationError } from '@/db'

const DAY_MS = 86_400_000

export interface IssueItem {
  id: string
  title: string
  category: Issue['category']
  /** After escalations (the issue's own level until then). */
  level: Issue['level']
  status: IssueState['status']
  sync: IssueSyncMark
  reportedAt: number
  /** 7135: when the issue must be closed; null once resolved or closed. */
  dueAt: number | null
  overdue: boolean
}

/** Days to close an issue of a level ("7135": micro 1, grid 3, street 5). */
export function deadlineDays(level: Issue['level']): number {
  return ISSUE_LEVELS.find((l) => l.code === level)?.deadlineDays ?? 1
}

export function toIssueItem(row: IssueRow, now: number): IssueItem {
  const state = deriveIssueState(row.events, row.issue.level)
  const level = state.level ?? row.issue.level
  const open = state.status === 'reported' || state.status === 'assigned' || state.status === 'accepted'
  const dueAt = open ? row.issue.reportedAt + deadlineDays(level) * DAY_MS : null
  return {
    id: row.issue.id,
    title: row.issue.title,
    category: row.issue.category,
    level,
    status: state.status,
    sync: row.sync,
    reportedAt: row.issue.reportedAt,
    dueAt,
    overdue: dueAt !== null && now > dueAt,
  }
}

/** Sources a worker picks from on the form; visit- and patrol-linked reports come from those pages. */
export const REPORT_SOURCES = ['resident', 'patrol'] as const satisfies readonly Issue['source'][]

export interface IssueDraft {
  title: string
  category: Issue['category']
  level: Issue['level']
  description: string
  gridId: string
  source: (typeof REPORT_SOURCES)[number]
}

export function emptyDraft(gridId = ''): IssueDraft {
  return { title: '', category: 'other', level: 'micro', description: '', gridId, source: 'resident' }
}

/** The issue record a draft becomes (a 微心愿 category makes it a wish). */
export function draftToIssue(draft: IssueDraft, reportedBy: string, at: number) {
  return {
    gridId: draft.gridId,
    type: draft.category === 'micro_wish' ? ('wish' as const) : ('issue' as const),
    source: draft.source,
    category: draft.category,
    title: draft.title.trim(),
    description: draft.description.trim(),
    photoIds: [],
    level: draft.level,
    reportedAt: at,
    reportedBy,
  }
}

/** A message key under `issues.` and its parameters. */
export interface Message {
  key: string
  params?: Record<string, string>
}

/** Form fields a schema error may name, with their label keys. */
const FIELD_LABELS: Record<string, string> = {
  title: 'issues.field.title',
  category: 'issues.field.category',
  level: 'issues.field.level',
  description: 'issues.field.description',
  gridId: 'issues.field.grid',
  source: 'issues.field.source',
}

/** The fields a ValidationError message names (`title: Too small …; gridId: …`). */
export function fieldsOfValidationMessage(message: string): string[] {
  const fields = message
    .split('; ')
    .map((part) => /^([A-Za-z]+)[.:]/.exec(part)?.[1])
    .filter((f): f is string => !!f)
  return [...new Set(fields)]
}

/**
 * How a refused save reads: the fields named by their labels (translated by the caller with
 * `fieldLabel`), the schema's own words kept in brackets for whoever fixes it.
 */
export function describeSaveError(err: unknown, fieldLabel: (key: string) => string): Message {
  if (err instanceof ValidationError) {
    const fields = fieldsOfValidationMessage(err.message).map((f) => (FIELD_LABELS[f] ? fieldLabel(FIELD_LABELS[f]) : f))
    return { key: 'issues.errors.invalid', params: { fields: fields.join('、') || '—', detail: err.message } }
  }
  if (err instanceof StorageFullError) return { key: 'issues.errors.failed', params: { message: err.message } }
  return { key: 'issues.errors.failed', params: { message: err instanceof Error ? err.message : String(err) } }
}

