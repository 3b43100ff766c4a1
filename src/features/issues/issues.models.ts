/**
 * Pure logic of the issues feature: what one list row shows, the list's segments, the 7135
 * countdown in words, the draft a report form fills, the buttons of the issue page, and how a
 * refused save is told to the person.
 */
import { DAY_MS, deadlineDays, issueDeadline, splitDuration, type IssueDeadline } from '@/domain/deadlines'
import type { Issue, IssueEvent } from '@/domain/entities'
import { deriveIssueState, isOpen, type IssueState } from '@/domain/issueState'
import type { IssueRow, IssueSyncMark } from '@/db/issues'
import { buildingLabel, type PlaceGuess } from '@/domain/place'
import { StorageFullError, ValidationError } from '@/db'

export { deadlineDays }

export interface IssueItem {
  id: string
  title: string
  type: Issue['type']
  category: Issue['category']
  gridId: string
  reportedBy: string
  assigneeId: string | null
  /** After escalations (the issue's own level until then). */
  level: Issue['level']
  status: IssueState['status']
  sync: IssueSyncMark
  reportedAt: number
  deadline: IssueDeadline
  /** 7135: when the issue must be done; null once done. */
  dueAt: number | null
  overdue: boolean
  done: boolean
  /** 催办: a supervisor reminded the current holder and the issue is still open. */
  reminded: boolean
}

export function toIssueItem(row: IssueRow, now: number): IssueItem {
  const state = deriveIssueState(row.events, row.issue.level)
  const deadline = issueDeadline(row.issue, state, now)
  const done = !isOpen(state.status) && state.status !== 'none'
  return {
    id: row.issue.id,
    title: row.issue.title,
    type: row.issue.type,
    category: row.issue.category,
    gridId: row.issue.gridId,
    reportedBy: row.issue.reportedBy,
    assigneeId: state.assigneeId,
    level: deadline.level,
    status: state.status,
    sync: row.sync,
    reportedAt: row.issue.reportedAt,
    deadline,
    dueAt: done ? null : deadline.dueAt,
    overdue: deadline.overdue,
    done,
    reminded: !done && state.remindedAt !== null,
  }
}

/** Segments of the 事件 tab. */
export const SEGMENTS = ['mine', 'grid', 'overdue', 'done'] as const
export type Segment = (typeof SEGMENTS)[number]

/**
 * 我的: assigned to me or reported by me (open); 本网格: open issues of my grids (a supervisor:
 * all open ones); 逾期: open and past due; 已办结: resolved, rated or closed.
 */
export function inSegment(item: IssueItem, segment: Segment, me: { id: string; worksIn: (gridId: string) => boolean }): boolean {
  switch (segment) {
    case 'mine':
      return !item.done && (item.assigneeId === me.id || item.reportedBy === me.id)
    case 'grid':
      return !item.done && me.worksIn(item.gridId)
    case 'overdue':
      return item.overdue
    case 'done':
      return item.done
  }
}

/** A message key under `issues.` and its parameters. */
export interface Message {
  key: string
  params?: Record<string, string | number>
}

/** "还剩 2 天 3 小时" / "已超时 5 小时" / "按时办结" — the countdown or lateness of an issue. */
export function deadlineMessage(d: IssueDeadline, now: number): Message {
  if (d.doneAt !== null) return { key: d.onTime ? 'issues.due.doneOnTime' : 'issues.due.doneLate' }
  const span = d.dueAt - now
  const { days, hours, minutes } = splitDuration(span)
  const params = { days, hours, minutes }
  const unit = days > 0 ? 'Days' : hours > 0 ? 'Hours' : 'Minutes'
  return { key: `issues.due.${span >= 0 ? 'left' : 'late'}${unit}`, params }
}

/** "网格事项：3 天内办结" for a level. */
export function levelDeadlineMessage(level: Issue['level'], levelLabel: string): Message {
  return { key: 'issues.form.deadlineHint', params: { level: levelLabel, days: deadlineDays(level) } }
}

/** The heading of an event in the timeline: 催办 reads as whose it is (督办人催办), the others as their action. */
export function eventKey(type: IssueEvent['type'], issueType: Issue['type']): string {
  return type === 'reminded' ? 'issues.event.reminded' : actionKey(type, issueType)
}

/** The button label of an action: a wish is 认领 and 完成 where an issue is 接单 and 办结. */
export function actionKey(type: IssueEvent['type'], issueType: Issue['type']): string {
  if (issueType === 'wish' && type === 'accepted') return 'issues.action.claim'
  if (issueType === 'wish' && type === 'resolved') return 'issues.action.fulfil'
  return `issues.action.${type}`
}

/** Sources a worker picks from on the form; visit- and patrol-linked reports come from those pages. */
export const REPORT_SOURCES = ['resident', 'patrol', 'supervisor'] as const satisfies readonly Issue['source'][]

export interface IssueDraft {
  type: Issue['type']
  title: string
  /** '' until chosen: the category is required and has no silent default. */
  category: Issue['category'] | ''
  level: Issue['level']
  urgent: boolean
  description: string
  gridId: string
  source: (typeof REPORT_SOURCES)[number]
  householdId: string | null
  location: { lat: number; lng: number; accuracy?: number } | null
  /** What the location is, in words (a household's address, 当前位置 ±12 m). */
  placeLabel: string
  photoIds: string[]
}

export function emptyDraft(gridId = ''): IssueDraft {
  return {
    type: 'issue', title: '', category: '', level: 'micro', urgent: false, description: '', gridId, source: 'resident',
    householdId: null, location: null, placeLabel: '', photoIds: [],
  }
}

/** The issue record a draft becomes. */
export function draftToIssue(draft: IssueDraft, reportedBy: string, at: number) {
  return {
    gridId: draft.gridId,
    householdId: draft.householdId,
    type: draft.type,
    source: draft.source,
    category: draft.category as Issue['category'],
    title: draft.title.trim(),
    description: draft.description.trim(),
    location: draft.location,
    photoIds: [...draft.photoIds],
    level: draft.level,
    ...(draft.urgent ? { urgent: true } : {}),
    reportedAt: at,
    reportedBy,
  }
}

/** Form fields a schema error may name, with their label keys. */
const FIELD_LABELS: Record<string, string> = {
  title: 'issues.field.title',
  category: 'issues.field.category',
  level: 'issues.field.level',
  description: 'issues.field.description',
  gridId: 'issues.field.grid',
  source: 'issues.field.source',
  note: 'issues.field.note',
}

/** The fields a ValidationError message names (`title: Too small …; gridId: …`). */
export function fieldsOfValidationMessage(message: string): string[] {
  const fields = message
    .split('; ')
    .map((part) => /^(?:data\.)?([A-Za-z]+)[.:]/.exec(part)?.[1])
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

/**
 * Where an issue is, as a person reads it (issue 17): the household's address, else the building
 * the position is at ("翠湖花园 5号楼"), else the distance to the nearest one inside the grid
 * ("第一网格内，距翠湖花园 5号楼约120米"), else the grid — never coordinates.
 */
export function placeMessage(p: {
  householdAddress?: string | null
  place: PlaceGuess | null
  gridName: string | null
  hasLocation: boolean
}): Message {
  if (p.householdAddress) return { key: 'issues.place.exact', params: { place: p.householdAddress } }
  const guess = p.place
  if (guess?.kind === 'at') return { key: 'issues.place.exact', params: { place: buildingLabel(guess.building) } }
  const grid = p.gridName ?? ''
  if (guess?.kind === 'near') {
    return { key: grid ? 'issues.place.nearInGrid' : 'issues.place.near', params: { grid, building: buildingLabel(guess.building), m: guess.distanceM } }
  }
  if (!p.hasLocation) return { key: 'issues.place.none' }
  return grid ? { key: 'issues.place.inGrid', params: { grid } } : { key: 'issues.place.recorded' }
}

export { DAY_MS }
