/**
 * 专项排查 in the console: read and write through /api/campaigns (online, at a desk, like the rest
 * of the console). Published campaigns reach the phones through the server; nothing here is
 * written to the browser's database.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { apiFetch, NetworkError } from '@/app/session/api'
import type { TargetState } from '@/domain/campaigns'
import type { Campaign, CampaignListAnswer, DraftBody, PreviewAnswer, ProgressAnswer, TargetAnswer, TargetsAnswer } from './campaignConsole.models'

// Publishing a street office's campaign selects and stores tens of thousands of targets.
const TIMEOUT_MS = 60_000
const id = encodeURIComponent

export const useCampaignConsoleStore = defineStore('campaignConsole', () => {
  /** The last failure, as the page shows it ('offline' or the server's message). */
  const error = ref('')

  async function call<T>(path: string, init: { method?: 'POST'; json?: unknown; responseType?: 'blob' } = {}): Promise<T | null> {
    try {
      const answer = await apiFetch<T>(path, { ...init, timeoutMs: TIMEOUT_MS })
      error.value = ''
      return answer
    } catch (err) {
      error.value = err instanceof NetworkError ? 'offline' : (err as Error).message
      return null
    }
  }

  const list = () => call<CampaignListAnswer>('/api/campaigns')
  const create = (body: DraftBody) => call<{ campaign: Campaign }>('/api/campaigns', { method: 'POST', json: body })
  const update = (campaignId: string, { communityId: _c, ...body }: DraftBody) =>
    call<{ campaign: Campaign }>(`/api/campaigns/${id(campaignId)}`, { method: 'POST', json: body })
  const progress = (campaignId: string) => call<ProgressAnswer>(`/api/campaigns/${id(campaignId)}/progress`)
  const preview = (campaignId: string) => call<PreviewAnswer>(`/api/campaigns/${id(campaignId)}/preview`)
  const publish = (campaignId: string) => call<{ campaign: Campaign; targetCount: number }>(`/api/campaigns/${id(campaignId)}/publish`, { method: 'POST', json: {} })
  const remind = (campaignId: string) => call<{ campaign: Campaign }>(`/api/campaigns/${id(campaignId)}/remind`, { method: 'POST', json: {} })
  const close = (campaignId: string) => call<{ campaign: Campaign }>(`/api/campaigns/${id(campaignId)}/close`, { method: 'POST', json: {} })
  const targets = (campaignId: string, q: { gridId?: string; state?: TargetState; offset: number; limit: number }) => {
    const params = new URLSearchParams({ offset: String(q.offset), limit: String(q.limit), ...(q.gridId ? { gridId: q.gridId } : {}), ...(q.state ? { state: q.state } : {}) })
    return call<TargetsAnswer>(`/api/campaigns/${id(campaignId)}/targets?${params}`)
  }
  const target = (campaignId: string, targetId: string) => call<TargetAnswer>(`/api/campaigns/${id(campaignId)}/targets/${id(targetId)}`)

  /** The results workbook, downloaded through the session's token (a plain link would carry none). */
  async function exportXlsx(campaignId: string, fileName: string): Promise<boolean> {
    const blob = await call<Blob>(`/api/campaigns/${id(campaignId)}/export.xlsx`, { responseType: 'blob' })
    if (!blob) return false
    const href = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = href
    a.download = fileName
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(href), 10_000)
    return true
  }

  return { error, list, create, update, progress, preview, publish, remind, close, targets, target, exportXlsx }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCampaignConsoleStore, import.meta.hot))
