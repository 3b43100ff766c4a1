/**
 * Issues on this phone (事件): the live list the 事件 tab shows and 上报 (report). Everything is
 * written to IndexedDB first, with its outbox entries, through the Repository; the list follows
 * the database (liveQuery), so it changes when a report is saved and when sync empties the outbox.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { Repository, appDb } from '@/db'
import { ISSUE_LIST_LIMIT, gridNames, reportIssue, watchIssueRows, type IssueRow } from '@/db/issues'
import type { Issue } from '@/domain/entities'
import { useAccountStore } from '@/app/session/account.store'
import { useSyncStore } from '@/app/session/sync.store'
import { draftToIssue, toIssueItem, type IssueDraft } from './issues.models'

export interface GridOption {
  id: string
  /** The grid's name when this phone holds the grid, else its id. */
  name: string
}

export const useIssuesStore = defineStore('issues', () => {
  const rows = shallowRef<IssueRow[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const reporting = ref(false)
  const grids = ref<GridOption[]>([])
  /** The moment deadlines are judged against; moves on with every change of the list. */
  const now = ref(Date.now())

  const items = computed(() => rows.value.map((r) => toIssueItem(r, now.value)))
  const limited = computed(() => rows.value.length >= ISSUE_LIST_LIMIT)

  let stopWatching: (() => void) | null = null
  let repo: Repository | null = null

  /** Follow the local issues until unwatch(); calling it again while watching does nothing. */
  function watch(): void {
    if (stopWatching) return
    stopWatching = watchIssueRows(
      appDb(),
      (next) => {
        now.value = Date.now()
        rows.value = next
        loaded.value = true
        loadError.value = null
      },
      (err) => {
        loaded.value = true
        loadError.value = err instanceof Error ? err.message : String(err)
      },
    )
  }

  function unwatch(): void {
    stopWatching?.()
    stopWatching = null
  }

  /** The logged-in person's grids, named from the local grids table where it has them. */
  async function loadGrids(): Promise<GridOption[]> {
    const ids = useAccountStore().user?.gridIds ?? []
    const names = await gridNames(appDb(), ids).catch(() => new Map<string, string>())
    grids.value = ids.map((id) => ({ id, name: names.get(id) ?? id }))
    return grids.value
  }

  /**
   * 上报事件: the issue and its `reported` event (actor = the logged-in person, at = now) in one
   * transaction with their outbox entries. Throws the Repository's ValidationError or
   * StorageFullError unchanged; nothing is stored then.
   */
  async function report(draft: IssueDraft): Promise<Issue> {
    const user = useAccountStore().user
    if (!user) throw new Error('not logged in')
    reporting.value = true
    try {
      const db = appDb()
      repo ??= new Repository(db)
      const at = Date.now()
      const { issue } = await reportIssue(db, repo, draftToIssue(draft, user.id, at), { actorId: user.id, at, data: {} })
      useSyncStore().notifyLocalWrite()
      return issue
    } finally {
      reporting.value = false
    }
  }

  return { items, loaded, loadError, limited, reporting, grids, watch, unwatch, loadGrids, report }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useIssuesStore, import.meta.hot))
