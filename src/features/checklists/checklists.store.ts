/**
 * 检查表 in the console: read and write through /api/admin/checklists (online, at a desk, like the
 * rest of the console). A published version reaches the phones by sync.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { apiFetch, NetworkError } from '@/app/session/api'
import type { ChecklistDraft } from '@/domain/checklists'
import type { Checklist } from '@/domain/entities'
import type { ChecklistListAnswer } from './checklists.models'

const TIMEOUT_MS = 30_000

export const useChecklistsStore = defineStore('checklists', () => {
  /** The last failure, as the page shows it ('offline' or the server's message). */
  const error = ref('')

  async function call<T>(path: string, init: { method?: 'POST'; json?: unknown } = {}): Promise<T | null> {
    try {
      const answer = await apiFetch<T>(path, { ...init, timeoutMs: TIMEOUT_MS })
      error.value = ''
      return answer
    } catch (err) {
      error.value = err instanceof NetworkError ? 'offline' : (err as Error).message
      return null
    }
  }

  const list = (communityId?: string) =>
    call<ChecklistListAnswer>(`/api/admin/checklists${communityId ? `?communityId=${encodeURIComponent(communityId)}` : ''}`)
  const get = (id: string) => call<{ checklist: Checklist; editable: boolean }>(`/api/admin/checklists/${encodeURIComponent(id)}`)
  const create = (input: ChecklistDraft & { communityId: string | null; kind: Checklist['kind'] }) =>
    call<{ checklist: Checklist }>('/api/admin/checklists', { method: 'POST', json: input })
  const publish = (id: string, draft: ChecklistDraft, baseVersion: number) =>
    call<{ checklist: Checklist }>(`/api/admin/checklists/${encodeURIComponent(id)}/publish`, { method: 'POST', json: { ...draft, baseVersion } })

  return { error, list, get, create, publish }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useChecklistsStore, import.meta.hot))
