/**
 * 入户走访: the form's data (household, current checklist, the visit being corrected), its draft
 * in IndexedDB, photos (compressed on the phone, stored by SHA-256), the GPS fix, and 保存走访 —
 * the visit and the issues raised from its needs in one transaction through the Repository.
 * A 专项排查 answer is this same visit, asked with the campaign's checklist and carrying the
 * campaign and target (src/features/campaigns opens the form so).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { Repository, appDb } from '@/db'
import { getPhoto } from '@/db/blobs'
import { addPhoto as addPhotoBlob } from '@/ui/photo'
import { deleteDraft, loadDraft, saveDraft } from '@/db/drafts'
import { getHousehold } from '@/db/households'
import { currentChecklist, getVisit, saveVisit } from '@/db/visits'
import { getCampaign, getCampaignTarget } from '@/db/campaigns'
import { canAnswer, type CampaignTarget } from '@/domain/campaigns'
import type { Household, Visit } from '@/domain/entities'
import { useAccountStore } from '@/app/session/account.store'
import { useSyncStore } from '@/app/session/sync.store'
import { GPS_TIMEOUT_MS, issuesFromNeeds, toVisitRecord, type CampaignRef, type FormChecklist, type VisitDraft, type VisitLocation } from './visits.models'

const draftKey = (householdId: string, correctsId: string | null, targetId?: string | null) =>
  `visit:${householdId}${correctsId ? `:${correctsId}` : ''}${targetId ? `:target:${targetId}` : ''}`

/** A 专项排查 answer: the campaign's checklist, and the target (a building's label is shown). */
export interface CampaignContext {
  ref: CampaignRef
  title: string
  target: CampaignTarget
  open: boolean
}

export const useVisitsStore = defineStore('visits', () => {
  const saving = ref(false)
  let repo: Repository | null = null

  async function loadContext(householdId: string, correctsId: string | null, target: CampaignRef | null = null): Promise<{
    household: Household | undefined
    checklist: FormChecklist | null
    corrects: Visit | null
    draft: VisitDraft | null
    campaign: CampaignContext | null
  }> {
    const db = appDb()
    const [household, standing, corrects, draft, campaign] = await Promise.all([
      getHousehold(db, householdId),
      target ? Promise.resolve(null) : currentChecklist(db, 'visit', useAccountStore().user?.gridIds ?? []),
      correctsId ? getVisit(db, correctsId).then((v) => v ?? null) : Promise.resolve(null),
      loadDraft<VisitDraft>(db, draftKey(householdId, correctsId, target?.campaignTargetId)),
      target ? loadCampaign(target) : Promise.resolve(null),
    ])
    const checklist = campaign ? campaign.checklist : standing
    return { household, checklist, corrects, draft, campaign: campaign?.context ?? null }
  }

  /** The campaign and target named, when both are on the phone and belong together. */
  async function loadCampaign(ref: CampaignRef): Promise<{ context: CampaignContext; checklist: FormChecklist } | null> {
    const db = appDb()
    const [c, target] = await Promise.all([getCampaign(db, ref.campaignId), getCampaignTarget(db, ref.campaignTargetId)])
    if (!c || !target || target.campaignId !== c.id) return null
    return {
      context: { ref, title: c.title, target, open: canAnswer(c) },
      checklist: { id: null, version: null, name: c.title, items: c.items },
    }
  }

  function keepDraft(draft: VisitDraft, targetId?: string | null): Promise<void> {
    return saveDraft(appDb(), draftKey(draft.householdId, draft.correctsId, targetId), draft)
  }

  function dropDraft(householdId: string, correctsId: string | null, targetId?: string | null): Promise<void> {
    return deleteDraft(appDb(), draftKey(householdId, correctsId, targetId))
  }

  /** Compresses a photo from the camera or a file and stores it; returns its SHA-256 key. */
  function addPhoto(file: File): Promise<string> {
    return addPhotoBlob(file)
  }

  function photo(sha256: string): Promise<Blob | null> {
    return getPhoto(appDb(), sha256)
  }

  /** One GPS fix with its accuracy, or null when denied, unavailable or not within GPS_TIMEOUT_MS. */
  function locate(): Promise<VisitLocation | null> {
    const geo = globalThis.navigator?.geolocation
    if (!geo) return Promise.resolve(null)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), GPS_TIMEOUT_MS + 500)
      geo.getCurrentPosition(
        (p) => {
          clearTimeout(timer)
          resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) })
        },
        () => {
          clearTimeout(timer)
          resolve(null)
        },
        { enableHighAccuracy: true, timeout: GPS_TIMEOUT_MS, maximumAge: 60_000 },
      )
    })
  }

  /** 保存走访: throws the Repository's ValidationError / StorageFullError unchanged (nothing stored then). */
  async function save(draft: VisitDraft, household: Household, checklist: FormChecklist | null, location: VisitLocation | null, campaign: CampaignRef | null = null): Promise<Visit> {
    const user = useAccountStore().user
    if (!user) throw new Error('not logged in')
    saving.value = true
    try {
      const db = appDb()
      repo ??= new Repository(db)
      const record = toVisitRecord(draft, { household, workerId: user.id, checklist, location, now: Date.now(), campaign })
      const { visit } = await saveVisit(db, repo, record, issuesFromNeeds(draft))
      await dropDraft(draft.householdId, draft.correctsId, campaign?.campaignTargetId)
      useSyncStore().notifyLocalWrite()
      return visit
    } finally {
      saving.value = false
    }
  }

  return { saving, loadContext, keepDraft, dropDraft, addPhoto, photo, locate, save }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useVisitsStore, import.meta.hot))
