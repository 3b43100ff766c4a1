/**
 * Pure logic of the visit form (入户走访): the draft kept while the worker fills it in, what must
 * be filled before saving, and the visit and issues the draft becomes.
 */
import type { Checklist, ChecklistItem, Household, Visit } from '@/domain/entities'
import type { NewRecord } from '@/db'
import type { IssueFromVisit } from '@/db/visits'

export type AnswerValue = string | number | boolean | null
export type NeedRaise = '' | 'issue' | 'wish'

export interface NeedDraft {
  text: string
  /** 转为事件 / 转为微心愿: created with the visit, linked to it and the household. */
  raise: NeedRaise
}

export interface VisitDraft {
  householdId: string
  correctsId: string | null
  startedAt: number
  channel: 'door' | 'phone'
  outcome: '' | Visit['outcome']
  answers: Record<string, AnswerValue>
  notes: string
  needs: NeedDraft[]
  photoIds: string[]
  followUp: boolean
}

/**
 * The checklist the form asks: a standing checklist (its id and version go on the visit), or a
 * 专项排查's own items (id and version null: the campaign names them, src/domain/campaigns).
 */
export type FormChecklist = Pick<Checklist, 'name' | 'items'> & { id: string | null; version: number | null }

/** The campaign target a visit answers (专项排查), carried on the visit. */
export interface CampaignRef {
  campaignId: string
  campaignTargetId: string
}

export interface VisitLocation {
  lat: number
  lng: number
  accuracy?: number
}

/** How long to wait for a GPS fix before the visit saves without one. */
export const GPS_TIMEOUT_MS = 5000
export const MAX_PHOTOS = 20

export function emptyVisitDraft(householdId: string, now: number, corrects?: Visit | null): VisitDraft {
  return {
    householdId,
    correctsId: corrects?.id ?? null,
    startedAt: now,
    channel: corrects?.channel ?? 'door',
    outcome: corrects?.outcome ?? '',
    answers: corrects ? { ...corrects.answers } : {},
    notes: corrects?.notes ?? '',
    needs: corrects?.needs ? corrects.needs.split('\n').filter(Boolean).map((text) => ({ text, raise: '' as const })) : [],
    photoIds: corrects ? [...corrects.photoIds] : [],
    followUp: corrects?.followUp ?? false,
  }
}

/** Is there anything in the draft worth offering back? */
export function draftHasContent(d: VisitDraft): boolean {
  return !!(d.outcome || d.notes.trim() || d.needs.length || d.photoIds.length || Object.keys(d.answers).length || d.followUp)
}

function answered(v: AnswerValue | undefined): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')
}

/**
 * What is missing, by field: the outcome always; required checklist items only when the
 * resident was met (nobody answers questions through a closed door).
 */
export function validateVisit(d: VisitDraft, checklist: Pick<Checklist, 'items'> | null): { outcome?: true; items: string[] } {
  const missing: { outcome?: true; items: string[] } = { items: [] }
  if (!d.outcome) missing.outcome = true
  if (d.outcome === 'met' && checklist) {
    for (const item of checklist.items) if (item.required && !answered(d.answers[item.id])) missing.items.push(item.id)
  }
  return missing
}

export function isValid(m: ReturnType<typeof validateVisit>): boolean {
  return !m.outcome && m.items.length === 0
}

/** The element id of the first missing answer in the form's order (outcome, then the checklist). */
export function firstMissingId(m: ReturnType<typeof validateVisit>, checklist: Pick<Checklist, 'items'> | null): string | null {
  if (m.outcome) return 'visit-outcome'
  const first = checklist?.items.find((i) => m.items.includes(i.id))
  return first ? `visit-item-${first.id}` : null
}

export function itemKind(item: ChecklistItem): NonNullable<ChecklistItem['kind']> {
  return item.kind ?? 'yesno'
}

export function toVisitRecord(
  d: VisitDraft,
  ctx: {
    household: Pick<Household, 'id' | 'gridId'>
    workerId: string
    checklist: Pick<FormChecklist, 'id' | 'version'> | null
    location: VisitLocation | null
    now: number
    campaign?: CampaignRef | null
  },
): NewRecord<'visits'> {
  if (!d.outcome) throw new Error('outcome missing')
  const answers: Record<string, AnswerValue> = {}
  for (const [k, v] of Object.entries(d.answers)) if (answered(v)) answers[k] = typeof v === 'string' ? v.trim() : v
  return {
    householdId: ctx.household.id,
    gridId: ctx.household.gridId,
    workerId: ctx.workerId,
    channel: d.channel,
    startedAt: Math.min(d.startedAt, ctx.now),
    endedAt: ctx.now,
    location: ctx.location,
    outcome: d.outcome,
    checklistId: ctx.checklist?.id ?? null,
    checklistVersion: ctx.checklist?.version ?? null,
    answers,
    notes: d.notes.trim(),
    needs: d.needs.map((n) => n.text.trim()).filter(Boolean).join('\n').slice(0, 1000),
    photoIds: [...d.photoIds],
    followUp: d.followUp,
    correctsId: d.correctsId,
    ...(ctx.campaign ? { campaignId: ctx.campaign.campaignId, campaignTargetId: ctx.campaign.campaignTargetId } : {}),
  }
}

/** The needs marked 转为事件 / 转为微心愿, as issues to create with the visit. */
export function issuesFromNeeds(d: VisitDraft): IssueFromVisit[] {
  return d.needs
    .filter((n) => n.raise && n.text.trim())
    .map((n) => ({
      type: n.raise === 'wish' ? ('wish' as const) : ('issue' as const),
      category: n.raise === 'wish' ? ('micro_wish' as const) : ('other' as const),
      title: n.text.trim().slice(0, 200),
      description: n.text.trim(),
      location: null,
      photoIds: [],
      level: 'micro' as const,
    }))
}
