/**
 * 专项排查 on the phone: the campaigns, targets and answers in IndexedDB, kept current as the pull
 * brings them and visits are saved (offline too: an answer counts as soon as it is stored).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { appDb } from '@/db'
import { householdForBuilding, watchCampaignData, type CampaignData } from '@/db/campaigns'
import type { CampaignTarget } from '@/domain/campaigns'
import { answerRoute, campaignCards, countsOf, targetRows } from './campaigns.models'

export const useCampaignsStore = defineStore('campaigns', () => {
  const data = shallowRef<CampaignData | null>(null)
  const now = ref(Date.now())
  const error = ref('')
  const loaded = computed(() => data.value !== null)
  const cards = computed(() => (data.value ? campaignCards(data.value, now.value) : []))

  function campaign(id: string) {
    return data.value?.campaigns.find((c) => c.id === id && !c.deleted) ?? null
  }
  function rows(id: string) {
    return data.value ? targetRows(data.value, id) : []
  }
  function counts(id: string) {
    return data.value ? countsOf(data.value, id) : null
  }

  let stop: (() => void) | null = null
  function watch(): void {
    if (stop) return
    stop = watchCampaignData(
      appDb(),
      (d) => {
        now.value = Date.now()
        data.value = d
      },
      (err) => (error.value = err instanceof Error ? err.message : String(err)),
    )
  }
  function unwatch(): void {
    stop?.()
    stop = null
  }

  /** Where answering a target leads; null when a building target has no household on the phone. */
  async function routeToAnswer(campaignId: string, target: CampaignTarget) {
    const building = target.kind === 'building' && target.buildingId ? await householdForBuilding(appDb(), target.buildingId) : undefined
    return answerRoute(campaignId, target, building)
  }

  return { loaded, cards, error, now, campaign, rows, counts, watch, unwatch, routeToAnswer }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCampaignsStore, import.meta.hot))
