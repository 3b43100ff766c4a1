/**
 * 专项排查 in the console (issue 21), apart from the views: the answers of /api/campaigns, the
 * editable form of a draft and the body it sends, the problems a person is told before anything is
 * sent (the shared rules of src/domain/campaigns and src/domain/checklists, in Chinese), progress
 * as percentages and the order of its rows. Workers are listed by name, never by their figures
 * (DESIGN §8.5: percentages, not rankings of people).
 */
import { addDays, dayOf, dayStart, parseDay } from '@/domain/calendar'
import {
  TARGET_STATES,
  campaignProblemText,
  draftProblems,
  percentOf,
  type Campaign,
  type CampaignSelection,
  type CampaignStatus,
  type CampaignTarget,
  type ProgressCounts,
  type TargetState,
} from '@/domain/campaigns'
import { checklistProblemText } from '@/domain/checklists'
import type { HouseholdTag } from '@/domain/constants'
import type { ChecklistItem, Visit } from '@/domain/entities'
import { editorProblems, toDraft, toEditable, type EditableItem } from '@/features/checklists/checklists.models'

export type { Campaign, CampaignStatus, TargetState } from '@/domain/campaigns'

export interface CampaignListAnswer {
  campaigns: Campaign[]
  counts: Record<string, { total: number; done: number; percent: number }>
  /** The communities the caller manages (an admin: all), by code. */
  communities?: Array<{ id: string; name: string }>
}

/** A draft's target count as 发布 would select it now, and what would stop 发布. */
export interface PreviewAnswer {
  targetCount: number
  problem: { code: string; message: string } | null
}

export interface ProgressAnswer {
  campaign: Campaign
  overall: ProgressCounts
  grids: Array<{ gridId: string; gridName: string } & ProgressCounts>
  workers: Array<{ workerId: string } & ProgressCounts>
}

export type ListedTarget = CampaignTarget & { state: TargetState }
export interface TargetsAnswer {
  total: number
  offset: number
  targets: ListedTarget[]
}
export interface TargetAnswer {
  target: CampaignTarget
  state: TargetState
  answers: Visit[]
}

/** What the list shows of a campaign. */
export interface CampaignRow {
  id: string
  title: string
  status: CampaignStatus
  /** 2026年12月14日, the deadline's day on the community's calendar. */
  deadlineDay: string
  /** '—' for a draft (no targets yet). */
  percent: string
  targets: number
  /** The community's name ('' when the list does not know it). */
  community: string
}

/** The list shows a 社区 column when the caller manages more than one community. */
export function showsCommunity(answer: CampaignListAnswer): boolean {
  return (answer.communities?.length ?? 0) > 1
}

/** Running campaigns first, then drafts, then the ended ones; newest first in each (ids are UUIDv7). */
export function campaignRows(answer: CampaignListAnswer, zone: string): CampaignRow[] {
  const names = new Map((answer.communities ?? []).map((c) => [c.id.toLowerCase(), c.name]))
  const order: Record<CampaignStatus, number> = { published: 0, draft: 1, closed: 2 }
  return [...answer.campaigns]
    .sort((a, b) => order[a.status] - order[b.status] || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((c) => {
      const n = answer.counts[c.id]
      return {
        id: c.id,
        title: c.title,
        status: c.status,
        deadlineDay: dayOf(c.deadlineAt, zone),
        percent: c.status === 'draft' || !n ? '—' : `${n.percent}%`,
        targets: n?.total ?? 0,
        community: names.get(c.communityId.toLowerCase()) ?? '',
      }
    })
}

// ---------------------------------------------------------------------------------------------
// The form of a draft

export interface EditableCampaign {
  communityId: string
  title: string
  items: EditableItem[]
  /** The standing checklist the items were copied from (null: its own items). */
  sourceChecklistId: string | null
  kind: CampaignSelection['kind']
  gridIds: string[]
  tags: HouseholdTag[]
  compounds: string[]
  buildingIds: string[]
  /** Calendar days ('YYYY-MM-DD'): the campaign runs from the start of `startDay` to the end of `deadlineDay`. */
  startDay: string
  deadlineDay: string
}

export interface DraftBody {
  communityId: string
  title: string
  items: ChecklistItem[]
  sourceChecklistId?: string
  selection: CampaignSelection
  startAt: number
  deadlineAt: number
}

/** A new draft: from today to a week from today, households of the whole community. */
export function blankCampaign(communityId: string, now: number, zone: string): EditableCampaign {
  const today = dayOf(now, zone)
  return { communityId, title: '', items: [], sourceChecklistId: null, kind: 'household', gridIds: [], tags: [], compounds: [], buildingIds: [], startDay: today, deadlineDay: addDays(today, 7) }
}

export function toEditableCampaign(c: Campaign, zone: string): EditableCampaign {
  return {
    communityId: c.communityId,
    title: c.title,
    items: toEditable({ kind: 'visit', name: c.title, items: c.items }).items,
    sourceChecklistId: c.sourceChecklistId ?? null,
    kind: c.selection.kind,
    gridIds: [...c.selection.gridIds],
    tags: [...c.selection.tags],
    compounds: [...c.selection.compounds],
    buildingIds: [...c.selection.buildingIds],
    startDay: dayOf(c.startAt, zone),
    // The deadline is the last moment of its day: the day before it, read back, is the day itself.
    deadlineDay: dayOf(c.deadlineAt, zone),
  }
}

/** The start and deadline as moments: the start of the first day and the last millisecond of the last. */
export function campaignTimes(e: Pick<EditableCampaign, 'startDay' | 'deadlineDay'>, zone: string): { startAt: number; deadlineAt: number } | null {
  const startAt = dayStart(e.startDay, zone)
  const end = parseDay(e.deadlineDay) === null ? null : dayStart(addDays(e.deadlineDay, 1), zone)
  return startAt === null || end === null ? null : { startAt, deadlineAt: end - 1 }
}

export function toDraftBody(e: EditableCampaign, zone: string): DraftBody {
  const times = campaignTimes(e, zone) ?? { startAt: 0, deadlineAt: 0 }
  const items = toDraft({ name: e.title, items: e.items }).items
  return {
    communityId: e.communityId,
    title: e.title.trim(),
    items,
    ...(e.sourceChecklistId ? { sourceChecklistId: e.sourceChecklistId } : {}),
    selection: {
      kind: e.kind,
      gridIds: e.gridIds,
      // A building is answered once for the building: tags are of households only.
      tags: e.kind === 'household' ? e.tags : [],
      compounds: e.compounds,
      buildingIds: e.buildingIds,
    },
    ...times,
  }
}

/**
 * What is wrong with the form, in the order of the form, as a person reads it: the campaign's
 * own rules (title, items, dates) and each checklist item's (label, options …).
 */
export function campaignFormProblems(e: EditableCampaign, now: number, zone: string, locale: 'zh' | 'en' = 'zh'): string[] {
  const out: string[] = []
  const times = campaignTimes(e, zone)
  const body = toDraftBody(e, zone)
  for (const p of draftProblems({ title: body.title, items: body.items, startAt: times?.startAt ?? 0, deadlineAt: times?.deadlineAt ?? 0 }, now)) {
    if (p === 'deadline_before_start' && !times) continue
    out.push(campaignProblemText(p, locale))
  }
  if (!times) out.push(locale === 'en' ? 'Choose a start and a deadline' : '请选择开始日期和截止日期')
  if (e.items.length) {
    const { all } = editorProblems({ name: e.title || '-', items: e.items })
    for (const p of all) {
      if (p.code === 'name_empty' || p.code === 'name_long' || p.code === 'no_items') continue
      out.push(checklistProblemText(p, locale))
    }
  }
  return [...new Set(out)]
}

// ---------------------------------------------------------------------------------------------
// Progress

/** done / 不在家 / 拒访 / 未走访 as whole percentages of a row's targets (rounded down, like the overall figure). */
export function statePercents(c: ProgressCounts): Record<TargetState, string> {
  return Object.fromEntries(TARGET_STATES.map((s) => [s, `${percentOf(c[s], c.total)}%`])) as Record<TargetState, string>
}

export interface ProgressRow {
  key: string
  name: string
  total: number
  percents: Record<TargetState, string>
}

export function gridRows(answer: ProgressAnswer): ProgressRow[] {
  return answer.grids.map((g) => ({ key: g.gridId, name: g.gridName, total: g.total, percents: statePercents(g) }))
}

/** Workers in name order (pinyin collation), whatever their figures. */
export function workerRows(answer: ProgressAnswer, names: ReadonlyMap<string, string>): ProgressRow[] {
  return answer.workers
    .map((w) => ({ key: w.workerId, name: names.get(w.workerId) ?? '', total: w.total, percents: statePercents(w) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || (a.key < b.key ? -1 : 1))
}

/** The grids 催办 reaches: those with targets not done yet (the server picks the same). */
export function gridsBehind(answer: ProgressAnswer): string[] {
  return answer.grids.filter((g) => g.done < g.total).map((g) => g.gridName)
}

/** Which buttons the detail page offers for a campaign's state. */
export function campaignActions(status: CampaignStatus): { edit: boolean; publish: boolean; remind: boolean; close: boolean; exportXlsx: boolean } {
  return { edit: status === 'draft', publish: status === 'draft', remind: status === 'published', close: status === 'published', exportXlsx: status !== 'draft' }
}

/** A checklist answer as the console shows it. */
export function answerValue(v: string | number | boolean | null | undefined, locale: 'zh' | 'en' = 'zh'): string {
  if (v === true) return locale === 'en' ? 'Yes' : '是'
  if (v === false) return locale === 'en' ? 'No' : '否'
  if (v === null || v === undefined || v === '') return '—'
  return String(v)
}

/** The workbook's name: the title, without characters a file name cannot hold. */
export function exportFileName(title: string): string {
  return `${title.replace(/[\\/:*?"<>|]/g, '_').trim() || '专项排查'}.xlsx`
}

/** Distinct 小区 of the buildings, in natural order. */
export function compoundsOf(buildings: readonly { compound: string }[]): string[] {
  return [...new Set(buildings.map((b) => b.compound.trim()).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true }))
}
