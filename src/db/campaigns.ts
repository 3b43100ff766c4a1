/**
 * 专项排查 on the phone (issue 21): the campaigns and targets the pull brought (synced records,
 * read-only here: the server makes them), and the answers — visits carrying `campaignId`, saved
 * through the one write path (visits.ts saveVisit), so an answer made offline counts at once.
 */
import type { Campaign, CampaignTarget } from '../domain/campaigns'
import type { Visit } from '../domain/entities'
import { LEDGER_RELOAD_MS } from './households'
import { householdsInBuilding } from './queries'
import type { FullGridDb } from './schema'
import { watchTables } from './watch'

/** What progress and the target list need of an answer. */
export type CampaignAnswerRow = Pick<Visit, 'id' | 'campaignId' | 'campaignTargetId' | 'outcome' | 'workerId' | 'hlc' | 'deleted' | 'endedAt' | 'householdId'>

export interface CampaignData {
  campaigns: Campaign[]
  targets: CampaignTarget[]
  answers: CampaignAnswerRow[]
}

/** Every campaign, target and campaign answer on the phone (tombstones left out), in one read. */
export function loadCampaignData(db: FullGridDb): Promise<CampaignData> {
  return db.transaction('r', [db.campaigns, db.campaignTargets, db.storeOf('visits')], async () => {
    const campaigns = await db.campaigns.filter((c) => !c.deleted).toArray()
    // Visits are packed: finding the answers reads them all. A phone with no campaign (most days)
    // skips that on each write of the packs (every page of a first download).
    if (!campaigns.length) return { campaigns, targets: [], answers: [] }
    const [targets, visits] = await Promise.all([
      db.campaignTargets.filter((t) => !t.deleted).toArray(),
      db.visits.filter((v) => !!v.campaignId && !v.deleted),
    ])
    const answers = visits.map(({ id, campaignId, campaignTargetId, outcome, workerId, hlc, deleted, endedAt, householdId }) => ({
      id, campaignId, campaignTargetId, outcome, workerId, hlc, deleted, endedAt, householdId,
    }))
    return { campaigns, targets, answers }
  })
}

/** Calls `onData` now and after changes of campaigns, targets or visits (throttled like the ledger). */
export function watchCampaignData(db: FullGridDb, onData: (d: CampaignData) => void, onError: (err: unknown) => void): () => void {
  return watchTables(db, ['campaigns', 'campaignTargets', 'visits'], () => loadCampaignData(db), onData, onError, LEDGER_RELOAD_MS)
}

export async function getCampaign(db: FullGridDb, id: string): Promise<Campaign | undefined> {
  const c = await db.campaigns.get(id)
  return c && !c.deleted ? c : undefined
}

/** The campaigns these visits answer, by id (for reading their answers with the campaign's items). */
export async function campaignsByIds(db: FullGridDb, ids: Iterable<string | null | undefined>): Promise<Map<string, Campaign>> {
  const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))]
  if (!wanted.length) return new Map()
  const found = await db.campaigns.bulkGet(wanted)
  return new Map(found.filter((c): c is Campaign => !!c).map((c) => [c.id, c]))
}

export async function getCampaignTarget(db: FullGridDb, id: string): Promise<CampaignTarget | undefined> {
  const t = await db.campaignTargets.get(id)
  return t && !t.deleted ? t : undefined
}

/**
 * The household a building target's one answer is recorded on (a visit needs a household): the
 * first of the building in unit and room order, or undefined when the phone has none there.
 */
export async function householdForBuilding(db: FullGridDb, buildingId: string): Promise<string | undefined> {
  const list = await householdsInBuilding(db, buildingId)
  return list.find((h) => !h.deleted && !h.movedOutAt)?.id
}
