/**
 * The supervisor console's data: unlike the worker app it asks the server (online, at a desk),
 * each page its own aggregate endpoint. The overview (grid tree, workers) is loaded once.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import { apiFetch, NetworkError } from '@/app/session/api'
import { useSyncStore } from '@/app/session/sync.store'
import { Repository, appDb } from '@/db'
import type { IssueEvent } from '@/domain/entities'
import type { AuditEntry, ColumnChoice, CoverageAnswer, DailyAnswer, ImportAnswer, IssuesAnswer, Overview, PatrolReplay, WeeklyAnswer } from './supervisor.models'

// Aggregates over a whole town and workbook uploads take longer than the phone's calls.
const TIMEOUT_MS = 30_000

export const useSupervisorStore = defineStore('supervisor', () => {
  const overview = shallowRef<Overview | null>(null)
  const error = ref('')

  const getJson = <T>(path: string) => apiFetch<T>(path, { timeoutMs: TIMEOUT_MS })

  /** Which request `error` belongs to: only that request's success clears it. */
  let failed = ''

  /**
   * Runs a load, keeping its error message for the page; returns null when it failed. `key`
   * names the request, so the overview arriving after a page's failed load does not wipe the
   * page's error.
   */
  async function guarded<T>(key: string, load: () => Promise<T>): Promise<T | null> {
    try {
      const value = await load()
      if (failed === key) clearError()
      return value
    } catch (err) {
      failed = key
      // No answer at all gets the console's own wording (it needs a connection, unlike the phone).
      error.value = err instanceof NetworkError ? 'offline' : (err as Error).message
      return null
    }
  }

  /** A new page starts without the previous page's error. */
  function clearError(): void {
    failed = ''
    error.value = ''
  }

  async function loadOverview(): Promise<void> {
    if (overview.value) return
    overview.value = await guarded('overview', () => getJson<Overview>('/api/supervisor/overview'))
  }

  const grids = computed(() => overview.value?.grids.filter((g) => g.level === 'grid') ?? [])
  const workers = computed(() => overview.value?.workers ?? [])
  const workerName = (id: string | null) => workers.value.find((w) => w.id === id)?.name ?? ''

  const q = (params: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString()

  const tracks = (day: string, who: { workerId?: string; gridId?: string }) =>
    guarded('tracks', () => getJson<{ day: string; patrols: PatrolReplay[] }>(`/api/supervisor/tracks?${q({ day, ...who })}`))
  const daily = (from: string, to: string, gridId?: string) => guarded('daily', () => getJson<DailyAnswer>(`/api/supervisor/daily?${q({ from, to, gridId })}`))
  const coverage = (period: { week?: string; month?: string }, gridId?: string) =>
    guarded('coverage', () => getJson<CoverageAnswer>(`/api/supervisor/coverage?${q({ ...period, gridId })}`))
  const issues = (status: 'open' | 'all') => guarded('issues', () => getJson<IssuesAnswer>(`/api/supervisor/issues?${q({ status })}`))
  const weekly = (week: string) => guarded('weekly', () => getJson<WeeklyAnswer>(`/api/reports/weekly?${q({ week })}`))
  const audit = () => guarded('audit', () => getJson<{ entries: AuditEntry[] }>('/api/audit?limit=50'))

  /** `mapping` (column letter → field or null) overrides the server's recognition of headers. */
  async function importLedger(file: File, gridId: string, dryRun: boolean, mapping?: ColumnChoice): Promise<ImportAnswer | null> {
    const form = new FormData()
    if (mapping) form.append('mapping', JSON.stringify(mapping))
    form.append('file', file)
    const path = `/api/import/households?${q({ gridId, dryRun: dryRun ? '1' : '0' })}`
    return guarded('import', () => apiFetch<ImportAnswer>(path, { method: 'POST', form, timeoutMs: TIMEOUT_MS }))
  }

  /** Downloads a workbook through the session's token (a plain link would carry none). */
  async function download(url: string, fileName: string): Promise<boolean> {
    const ok = await guarded('download', async () => {
      const blob = await apiFetch<Blob>(url, { responseType: 'blob', timeoutMs: TIMEOUT_MS })
      const href = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = href
      a.download = fileName
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(href), 10_000)
      return true
    })
    return ok === true
  }

  /**
   * 派单 / 评价 / 销号 from the board: the event is written like every other write of the app —
   * to this browser's database with its outbox entry (the one write path) — then pushed at once.
   * The server judges it by the same issue rules as the phones' (a refusal lands in 需处理 on
   * 我的). True when the sync run finished.
   */
  async function recordIssueEvent(issueId: string, type: IssueEvent['type'], data: IssueEvent['data'] = {}): Promise<boolean> {
    const me = useAccountStore().user
    if (!me) return false
    await new Repository(appDb()).create('issueEvents', { issueId, type, actorId: me.id, at: Date.now(), data })
    const sync = useSyncStore()
    await sync.start()
    return sync.syncNow()
  }

  return { overview, error, clearError, recordIssueEvent, grids, workers, workerName, loadOverview, tracks, daily, coverage, issues, weekly, audit, importLedger, download }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSupervisorStore, import.meta.hot))
