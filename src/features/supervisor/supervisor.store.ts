/**
 * The supervisor console's data: unlike the worker app it asks the server (online, at a desk),
 * each page its own aggregate endpoint. The overview (grid tree, workers) is loaded once.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import { useSyncStore } from '@/app/session/sync.store'
import { Repository, appDb } from '@/db'
import type { IssueEvent } from '@/domain/entities'
import type { AuditEntry, ColumnChoice, CoverageAnswer, DailyAnswer, ImportAnswer, IssuesAnswer, Overview, PatrolReplay, WeeklyAnswer } from './supervisor.models'

const TIMEOUT_MS = 30_000

export class ConsoleRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

export const useSupervisorStore = defineStore('supervisor', () => {
  const overview = shallowRef<Overview | null>(null)
  const error = ref('')

  async function request(url: string, init: RequestInit = {}): Promise<Response> {
    const token = useAccountStore().session?.token
    const headers = new Headers(init.headers)
    if (token) headers.set('authorization', `Bearer ${token}`)
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
    return res
  }

  async function getJson<T>(url: string): Promise<T> {
    return (await request(url)).json() as Promise<T>
  }

  /** Runs a load, keeping its error message for the page; returns null when it failed. */
  async function guarded<T>(load: () => Promise<T>): Promise<T | null> {
    try {
      const value = await load()
      error.value = ''
      return value
    } catch (err) {
      error.value = err instanceof ConsoleRequestError && err.status === 0 ? 'offline' : (err as Error).message
      return null
    }
  }

  async function loadOverview(): Promise<void> {
    if (overview.value) return
    overview.value = await guarded(() => getJson<Overview>('/api/supervisor/overview'))
  }

  const grids = computed(() => overview.value?.grids.filter((g) => g.level === 'grid') ?? [])
  const workers = computed(() => overview.value?.workers ?? [])
  const workerName = (id: string | null) => workers.value.find((w) => w.id === id)?.name ?? ''

  const q = (params: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString()

  const tracks = (day: string, who: { workerId?: string; gridId?: string }) =>
    guarded(() => getJson<{ day: string; patrols: PatrolReplay[] }>(`/api/supervisor/tracks?${q({ day, ...who })}`))
  const daily = (from: string, to: string, gridId?: string) => guarded(() => getJson<DailyAnswer>(`/api/supervisor/daily?${q({ from, to, gridId })}`))
  const coverage = (period: { week?: string; month?: string }, gridId?: string) =>
    guarded(() => getJson<CoverageAnswer>(`/api/supervisor/coverage?${q({ ...period, gridId })}`))
  const issues = (status: 'open' | 'all') => guarded(() => getJson<IssuesAnswer>(`/api/supervisor/issues?${q({ status })}`))
  const weekly = (week: string) => guarded(() => getJson<WeeklyAnswer>(`/api/reports/weekly?${q({ week })}`))
  const audit = () => guarded(() => getJson<{ entries: AuditEntry[] }>('/api/audit?limit=50'))

  /** `mapping` (column letter → field or null) overrides the server's recognition of headers. */
  async function importLedger(file: File, gridId: string, dryRun: boolean, mapping?: ColumnChoice): Promise<ImportAnswer | null> {
    const form = new FormData()
    if (mapping) form.append('mapping', JSON.stringify(mapping))
    form.append('file', file)
    return guarded(async () => (await request(`/api/import/households?${q({ gridId, dryRun: dryRun ? '1' : '0' })}`, { method: 'POST', body: form })).json())
  }

  /** Downloads a workbook through the session's token (a plain link would carry none). */
  async function download(url: string, fileName: string): Promise<boolean> {
    const ok = await guarded(async () => {
      const blob = await (await request(url)).blob()
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

  return { overview, error, recordIssueEvent, grids, workers, workerName, loadOverview, tracks, daily, coverage, issues, weekly, audit, importLedger, download }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSupervisorStore, import.meta.hot))
