/**
 * 专项排查 on the phone, pure: the 今日 cards (running campaigns with their counts and deadline),
 * a campaign's targets in walking order with each one's state, and where answering a target
 * leads (the visit form with the campaign's checklist). Rules are src/domain/campaigns.
 */
import {
  campaignProgress,
  canAnswer,
  daysLeft,
  deadlineState,
  targetState,
  type Campaign,
  type CampaignAnswer,
  type CampaignTarget,
  type DeadlineState,
  type ProgressCounts,
  type TargetState,
} from '@/domain/campaigns'
import { naturalCompare } from '@/domain/naturalOrder'
import type { Visit } from '@/domain/entities'
import { formatDate } from '@/ui/time'

export { canAnswer }

/** What the models need of the phone's data (src/db/campaigns CampaignData has this shape). */
export interface CampaignInputs {
  campaigns: readonly Campaign[]
  targets: readonly CampaignTarget[]
  answers: readonly (CampaignAnswer & Pick<Visit, 'campaignId' | 'endedAt'>)[]
}

export interface CampaignCard {
  campaign: Campaign
  counts: ProgressCounts
  /** Targets not done yet (不在家 and 拒访 included: they still need a visit). */
  remaining: number
  deadline: DeadlineState
  daysLeft: number
  /** The supervisor's last 催办 when it named a grid of the targets here and some are not done (UTC ms). */
  remindedAt: number | null
}

const answersOf = (inputs: CampaignInputs, campaignId: string) => inputs.answers.filter((a) => a.campaignId === campaignId)
const targetsOf = (inputs: CampaignInputs, campaignId: string) => inputs.targets.filter((t) => t.campaignId === campaignId && !t.deleted)

/** A campaign's counts over the targets on this phone (the worker's grids). */
export function countsOf(inputs: CampaignInputs, campaignId: string): ProgressCounts {
  return campaignProgress(targetsOf(inputs, campaignId), answersOf(inputs, campaignId)).overall
}

/**
 * 今日's cards: the running (published) campaigns with at least one target here, the nearest
 * deadline first (then by title), each with done / remaining and where it stands in time.
 */
export function campaignCards(inputs: CampaignInputs, now: number): CampaignCard[] {
  return inputs.campaigns
    .filter((c) => !c.deleted && c.status === 'published')
    .map((campaign) => {
      const counts = countsOf(inputs, campaign.id)
      const remaining = counts.total - counts.done
      return {
        campaign, counts, remaining, deadline: deadlineState(campaign, now), daysLeft: daysLeft(campaign.deadlineAt, now),
        remindedAt: remaining > 0 ? remindedHere(campaign, targetsOf(inputs, campaign.id)) : null,
      }
    })
    .filter((c) => c.counts.total > 0)
    .sort((a, b) => a.campaign.deadlineAt - b.campaign.deadlineAt || naturalCompare(a.campaign.title, b.campaign.title))
}

/** 催办 reaches the grids it names (none named: every grid behind, as the server chose then). */
function remindedHere(c: Campaign, targets: readonly Pick<CampaignTarget, 'gridId'>[]): number | null {
  if (!c.remindedAt) return null
  if (!c.remindGridIds?.length) return c.remindedAt
  const named = new Set(c.remindGridIds.map((g) => g.toLowerCase()))
  return targets.some((t) => named.has(t.gridId.toLowerCase())) ? c.remindedAt : null
}

export interface TargetRow {
  target: CampaignTarget
  state: TargetState
  /** When it was last answered on any phone that synced (UTC ms), null: never. */
  answeredAt: number | null
}

/** A campaign's targets here in walking order (the server's `seq`, then natural label order). */
export function targetRows(inputs: CampaignInputs, campaignId: string): TargetRow[] {
  const answers = answersOf(inputs, campaignId)
  const byTarget = new Map<string, typeof answers>()
  for (const a of answers) {
    if (!a.campaignTargetId) continue
    const list = byTarget.get(a.campaignTargetId)
    if (list) list.push(a)
    else byTarget.set(a.campaignTargetId, [a])
  }
  return targetsOf(inputs, campaignId)
    .sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || naturalCompare(a.label, b.label))
    .map((target) => {
      const list = byTarget.get(target.id) ?? []
      return {
        target,
        state: targetState(list),
        answeredAt: list.reduce<number | null>((m, a) => (a.deleted ? m : Math.max(m ?? 0, a.endedAt)), null),
      }
    })
}

/** The deadline as a person reads it: the date (community calendar) and the message key of its state. */
export function deadlineText(c: Pick<Campaign, 'status' | 'startAt' | 'deadlineAt'>, now: number, locale: string): { key: string; date: string; days: number } {
  const state = deadlineState(c, now)
  const at = state === 'not_started' ? c.startAt : c.deadlineAt
  return { key: `campaigns.deadline.${state}`, date: formatDate(at, locale), days: Math.max(0, daysLeft(c.deadlineAt, now)) }
}

/** The visit form for one target: its household, or for a building the household its answer is recorded on. */
export function answerRoute(campaignId: string, target: Pick<CampaignTarget, 'id' | 'kind' | 'householdId'>, buildingHousehold?: string) {
  const householdId = target.kind === 'household' ? target.householdId : buildingHousehold
  if (!householdId) return null
  return { name: 'visit-new', params: { householdId }, query: { campaign: campaignId, target: target.id } } as const
}
