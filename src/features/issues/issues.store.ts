/**
 * Issues on this phone (事件): the live list of the 事件 tab with its segments, 上报 (report), and
 * the issue page with its lifecycle actions. Everything is written to IndexedDB first, with its
 * outbox entries, through the Repository; lists follow the database (liveQuery), so they change
 * when a step is saved and when sync empties the outbox. Every action is judged by the same
 * rules the server applies (src/domain/issueRules) before it is written.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { Repository, appDb } from '@/db'
import {
  ISSUE_LIST_LIMIT, gridNames, gridParents, recordIssueEvent, reportIssue, watchIssueDetail, watchIssueRows,
  type IssueDetail, type IssueRow,
} from '@/db/issues'
import type { Issue, IssueEvent } from '@/domain/entities'
import { allowedIssueActions, checkIssueEvent, worksInGrid, type IssueActor, type IssueRuleViolation } from '@/domain/issueRules'
import { useAccountStore } from '@/app/session/account.store'
import { useSyncStore } from '@/app/session/sync.store'
import { SEGMENTS, draftToIssue, inSegment, toIssueItem, type IssueDraft, type Segment } from './issues.models'

export interface GridOption {
  id: string
  /** The grid's name when this phone holds the grid, else its id. */
  name: string
}

/** The rules refused an action; `violation` carries the code the page translates. */
export class IssueRuleError extends Error {
  override name = 'IssueRuleError'
  constructor(readonly violation: IssueRuleViolation) {
    super(violation.reason)
  }
}

export const useIssuesStore = defineStore('issues', () => {
  const rows = shallowRef<IssueRow[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const reporting = ref(false)
  const grids = ref<GridOption[]>([])
  const parents = shallowRef<Map<string, string | null>>(new Map())
  const segment = ref<Segment>('mine')
  /** The moment deadlines are judged against; moves on with every change and every minute. */
  const now = ref(Date.now())

  const me = computed(() => {
    const user = useAccountStore().user
    return {
      id: user?.id ?? '',
      worksIn: (gridId: string) =>
        !!user && (user.role !== 'worker' || worksInGrid(user.gridIds, gridId, (g) => parents.value.get(g))),
    }
  })
  const items = computed(() => rows.value.map((r) => toIssueItem(r, now.value)))
  const counts = computed(() =>
    Object.fromEntries(SEGMENTS.map((s) => [s, items.value.filter((i) => inSegment(i, s, me.value)).length])) as Record<Segment, number>,
  )
  const visible = computed(() => items.value.filter((i) => inSegment(i, segment.value, me.value)))
  /** Open issues past their 7135 deadline (今日 reads the same count through @/db/issues watchOverdueIssueCount). */
  const overdueCount = computed(() => counts.value.overdue)
  const limited = computed(() => rows.value.length >= ISSUE_LIST_LIMIT)

  let stopWatching: (() => void) | null = null
  let ticker: ReturnType<typeof setInterval> | null = null
  let repo: Repository | null = null
  const repository = () => (repo ??= new Repository(appDb()))

  async function loadParents(): Promise<void> {
    parents.value = await gridParents(appDb()).catch(() => new Map())
  }

  /** Follow the local issues until unwatch(); calling it again while watching does nothing. */
  function watch(): void {
    if (stopWatching) return
    void loadParents()
    ticker = setInterval(() => (now.value = Date.now()), 60_000)
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
    if (ticker) clearInterval(ticker)
    ticker = null
  }

  /** The logged-in person's grids, named from the local grids table where it has them. */
  async function loadGrids(): Promise<GridOption[]> {
    const ids = useAccountStore().user?.gridIds ?? []
    const names = await gridNames(appDb(), ids).catch(() => new Map<string, string>())
    // A grid whose record has not arrived yet is named by the view (网格), never by its id.
    grids.value = ids.map((id) => ({ id, name: names.get(id) ?? '' }))
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
      const at = Date.now()
      const { issue } = await reportIssue(appDb(), repository(), draftToIssue(draft, user.id, at), { actorId: user.id, at, data: {} })
      useSyncStore().notifyLocalWrite()
      return issue
    } finally {
      reporting.value = false
    }
  }

  // --- the issue page ---------------------------------------------------------------------------

  const detail = shallowRef<IssueDetail | null>(null)
  const detailLoaded = ref(false)
  const acting = ref<IssueEvent['type'] | null>(null)
  let stopDetail: (() => void) | null = null

  function watchDetail(id: string): void {
    unwatchDetail()
    detailLoaded.value = false
    void loadParents()
    stopDetail = watchIssueDetail(
      appDb(),
      id,
      (d) => {
        now.value = Date.now()
        detail.value = d
        detailLoaded.value = true
      },
      (err) => {
        detailLoaded.value = true
        loadError.value = err instanceof Error ? err.message : String(err)
      },
    )
  }

  function unwatchDetail(): void {
    stopDetail?.()
    stopDetail = null
    detail.value = null
  }

  function actorFor(issue: Issue): IssueActor | null {
    const user = useAccountStore().user
    if (!user) return null
    return { id: user.id, role: user.role, inIssueGrid: worksInGrid(user.gridIds, issue.gridId, (g) => parents.value.get(g)) }
  }

  /** The steps the logged-in person may record now on the open issue (its buttons). */
  const actions = computed<IssueEvent['type'][]>(() => {
    const d = detail.value
    const actor = d && actorFor(d.issue)
    return d && actor ? allowedIssueActions(d.events, actor, d.issue, now.value) : []
  })

  /** Workers a supervisor may dispatch the open issue to: those of its grid. */
  const dispatchable = computed(() => {
    const d = detail.value
    if (!d) return []
    return [...d.people.values()]
      .filter((p) => p.role === 'worker' && worksInGrid(p.gridIds, d.issue.gridId, (g) => parents.value.get(g)))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
  })

  /** Records one step on the open issue; throws IssueRuleError when the rules refuse it. */
  async function act(type: IssueEvent['type'], data: IssueEvent['data'] = {}): Promise<IssueEvent> {
    const d = detail.value
    const actor = d && actorFor(d.issue)
    if (!d || !actor) throw new Error('no issue open, or not logged in')
    acting.value = type
    try {
      const at = Date.now()
      const event = { issueId: d.issue.id, type, actorId: actor.id, at, data }
      const saved = await recordIssueEvent(appDb(), repository(), event, (events) => {
        const v = checkIssueEvent(events, { ...event, id: '', hlc: '', pending: true }, actor, d.issue, {
          now: at,
          nameOf: (id) => d.people.get(id)?.name,
        })
        if (v) throw new IssueRuleError(v)
      })
      useSyncStore().notifyLocalWrite()
      return saved
    } finally {
      acting.value = null
    }
  }

  return {
    items, visible, counts, segment, overdueCount, loaded, loadError, limited, reporting, grids, now,
    watch, unwatch, loadGrids, report,
    detail, detailLoaded, actions, dispatchable, acting, watchDetail, unwatchDetail, act,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useIssuesStore, import.meta.hot))
