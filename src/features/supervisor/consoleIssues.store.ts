/**
 * 事件督办's data: the board (GET /api/supervisor/issues) and one issue's detail
 * (GET /api/supervisor/issues/:id, parsed with the schema the server answers with), both through
 * the app's one HTTP client. A step (派单, 催办, 评价, 销号, 重新打开) is written like every write of
 * the app — to this browser's database with its outbox entry — and pushed at once; the server
 * judges it by the issue rules the phones use. The detail is then read again from the server, and
 * a refusal is told in words here (it also stays in 需处理 on 我的).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { apiFetch } from '@/app/session/api'
import { currentLocale } from '@/app/i18n'
import { useAccountStore } from '@/app/session/account.store'
import { useSyncStore } from '@/app/session/sync.store'
import { Repository, appDb } from '@/db'
import { consoleIssueDetailSchema, type ConsoleIssueDetail } from '@/domain/consoleIssue'
import type { IssuesAnswer } from '@/domain/console'
import type { IssueEvent } from '@/domain/entities'
import { describeRejection } from '@/domain/rejections'
import type { BoardFilter, ConsoleAction } from './consoleIssues.models'

/** How a step ended: recorded by the server, refused (with the reason in words), or still queued. */
export type ActOutcome = { status: 'applied' } | { status: 'refused'; message: string } | { status: 'queued' }

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err))

export const useConsoleIssuesStore = defineStore('consoleIssues', () => {
  const detail = shallowRef<ConsoleIssueDetail | null>(null)
  const loadError = ref('')
  const acting = ref<ConsoleAction | null>(null)

  async function board(filter: BoardFilter): Promise<IssuesAnswer | null> {
    try {
      const answer = await apiFetch<IssuesAnswer>(`/api/supervisor/issues?status=${filter}`)
      loadError.value = ''
      return answer
    } catch (err) {
      loadError.value = messageOf(err)
      return null
    }
  }

  async function open(id: string): Promise<void> {
    if (detail.value?.issue.id !== id) detail.value = null
    try {
      detail.value = consoleIssueDetailSchema.parse(await apiFetch(`/api/supervisor/issues/${encodeURIComponent(id)}`))
      loadError.value = ''
    } catch (err) {
      detail.value = null
      loadError.value = messageOf(err)
    }
  }

  async function act(type: ConsoleAction, data: IssueEvent['data'] = {}): Promise<ActOutcome> {
    const me = useAccountStore().user
    const issueId = detail.value?.issue.id
    if (!me || !issueId) return { status: 'refused', message: '' }
    acting.value = type
    try {
      const db = appDb()
      const event = await new Repository(db).create('issueEvents', { issueId, type, actorId: me.id, at: Date.now(), data })
      const sync = useSyncStore()
      await sync.start()
      await sync.syncNow()
      const refused = await db.rejected.where('recordId').equals(event.id).first()
      if (refused) return { status: 'refused', message: describeRejection(refused, currentLocale() === 'en' ? 'en' : 'zh') }
      if (await db.outbox.where('recordId').equals(event.id).count()) return { status: 'queued' }
      await open(issueId)
      return { status: 'applied' }
    } catch (err) {
      return { status: 'refused', message: messageOf(err) }
    } finally {
      acting.value = null
    }
  }

  return { detail, loadError, acting, board, open, act }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useConsoleIssuesStore, import.meta.hot))
