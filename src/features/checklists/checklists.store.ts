/**
 * 检查表 in the console: read and write through /api/admin/checklists (online, at a desk, like the
 * rest of the console). A published version reaches the phones by sync.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import type { ChecklistDraft } from '@/domain/checklists'
import type { Checklist } from '@/domain/entities'
import { ConsoleRequestError } from '@/features/supervisor/supervisor.store'
import type { ChecklistListAnswer } from './checklists.models'

const TIMEOUT_MS = 30_000

export const useChecklistsStore = defineStore('checklists', () => {
  /** The last failure, as the page shows it ('offline' or the server's message). */
  const error = ref('')

  async function call<T>(url: string, init: RequestInit = {}): Promise<T | null> {
    const token = useAccountStore().session?.token
    const headers = new Headers(init.headers)
    if (token) headers.set('authorization', `Bearer ${token}`)
    if (init.body) headers.set('content-type', 'application/json')
    try {
      let res: Response
      try {
        res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) })
      } catch {
        throw new ConsoleRequestError('offline', 0)
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { message?: string } | null
        throw new ConsoleRequestError(body?.message ?? `HTTP ${res.status}`, res.status)
      }
      error.value = ''
      return (await res.json()) as T
    } catch (err) {
      error.value = (err as Error).message
      return null
    }
  }

  const list = (communityId?: string) =>
    call<ChecklistListAnswer>(`/api/admin/checklists${communityId ? `?communityId=${encodeURIComponent(communityId)}` : ''}`)
  const get = (id: string) => call<{ checklist: Checklist; editable: boolean }>(`/api/admin/checklists/${encodeURIComponent(id)}`)
  const create = (input: ChecklistDraft & { communityId: string | null; kind: Checklist['kind'] }) =>
    call<{ checklist: Checklist }>('/api/admin/checklists', { method: 'POST', body: JSON.stringify(input) })
  const publish = (id: string, draft: ChecklistDraft, baseVersion: number) =>
    call<{ checklist: Checklist }>(`/api/admin/checklists/${encodeURIComponent(id)}/publish`, { method: 'POST', body: JSON.stringify({ ...draft, baseVersion }) })

  return { error, list, get, create, publish }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useChecklistsStore, import.meta.hot))
