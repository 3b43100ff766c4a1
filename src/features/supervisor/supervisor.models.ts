/**
 * Pure view logic of the supervisor console (控制台): who gets it, which screen counts as a
 * desktop, how periods, durations and shares are written, and the ledger import's answer
 * (server/ledger-io); the other endpoints' answers are in src/domain/console.ts.
 */
import { addDays, addWeeks, dayOf, isoWeekOf, monthOf } from '@/domain/calendar'
import { communityTimeZone } from '@/ui/time'

// The answers' shapes are the server's own (src/domain/console.ts); the views import them from here.
export type { CoverageAnswer, DailyAnswer, GridNode, IssuesAnswer, Overview, PatrolReplay, SupervisedIssue, WeeklyAnswer } from '@/domain/console'

export const CONSOLE_ROLES = ['supervisor', 'admin'] as const
/**
 * A window at least this wide gets the console after login: the 1,366 px office laptop of the
 * issue and anything wider. Narrower windows (phones, tablets, 1,280 px browser tests of the phone
 * app) keep the phone app; its 我的 page links to the console.
 */
export const DESKTOP_MIN_WIDTH = 1360

export function canUseConsole(role: string | null | undefined): boolean {
  return (CONSOLE_ROLES as readonly string[]).includes(role ?? '')
}

export function prefersConsole(role: string | null | undefined, width: number): boolean {
  return canUseConsole(role) && width >= DESKTOP_MIN_WIDTH
}

/** The side menu, in the order of the issue: 轨迹回放 · 日日巡 · 走访覆盖 · 事件督办 · 周报 · 台账. */
export const CONSOLE_PAGES = ['tracks', 'daily', 'coverage', 'issues', 'weekly', 'ledger'] as const
export type ConsolePage = (typeof CONSOLE_PAGES)[number]

// Periods on the community's calendar (its zone from /api/config), not the browser's.
export const today = (now = Date.now(), zone = communityTimeZone()) => dayOf(now, zone)
export const yesterday = (now = Date.now(), zone = communityTimeZone()) => addDays(dayOf(now, zone), -1)
export const lastWeek = (now = Date.now(), zone = communityTimeZone()) => addWeeks(isoWeekOf(now, zone), -1)
export const thisWeek = (now = Date.now(), zone = communityTimeZone()) => isoWeekOf(now, zone)
export const thisMonth = (now = Date.now(), zone = communityTimeZone()) => monthOf(now, zone)
export const daysBefore = (day: string, n: number) => addDays(day, -n)

// One rule for both ends (src/ui/measure.ts).
export { formatDistance, formatDuration } from '@/ui/measure'

/** 0.756 → 76%; null → —. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined || Number.isNaN(share) ? '—' : `${Math.round(share * 100)}%`
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null
}

/** Colour of a share on the maps and calendar: red below half, amber below 80 %, green above. */
export function shareColor(share: number | null): string {
  if (share === null) return '#c8c9cc'
  if (share < 0.5) return '#ee0a24'
  if (share < 0.8) return '#ff976a'
  return '#07c160'
}

/** Where the walk was at time `t` (linear between fixes); null before the start. */
export function positionAt(track: readonly [number, number, number][], t: number): [number, number] | null {
  if (!track.length || t < track[0][0]) return null
  for (let i = 1; i < track.length; i++) {
    if (track[i][0] >= t) {
      const [t0, x0, y0] = track[i - 1]
      const [t1, x1, y1] = track[i]
      const f = t1 === t0 ? 1 : (t - t0) / (t1 - t0)
      return [x0 + (x1 - x0) * f, y0 + (y1 - y0) * f]
    }
  }
  const last = track[track.length - 1]
  return [last[1], last[2]]
}

export interface ImportAnswer {
  imported: number
  skipped: number
  errors: { row: number; column?: string; message: string }[]
  buildingsCreated: number
  dryRun: boolean
  columns: { header: string; field: string }[]
  ignoredColumns: string[]
  // Absent from servers before the column mapping.
  sheetColumns?: SheetColumn[]
  preview?: { row: number; status: 'ok' | 'skipped' | 'error'; values: Partial<Record<LedgerField, string>> }[]
}

/** The ledger fields a sheet column can be mapped to (server/ledger-io/columns.ts, checked by a test). */
export const LEDGER_FIELDS = [
  'compound', 'building', 'unit', 'room', 'headName', 'phone', 'idNumber', 'gender', 'birthYear',
  'tags', 'health', 'situation', 'needs', 'notes', 'address', 'grid',
] as const
export type LedgerField = (typeof LEDGER_FIELDS)[number]

export interface SheetColumn {
  column: number
  letter: string
  header: string
  field: LedgerField | null
}

/** The mapping the person chose, keyed by column letter so that blank or repeated headers still count. */
export type ColumnChoice = Record<string, LedgerField | null>

export interface AuditEntry {
  id: number
  at: number
  userId: string | null
  userName: string | null
  action: string
  detail: Record<string, unknown>
}

/**
 * The person gives `letter` a field; a field lives on one column, so a column the person had
 * given the same field before is set to 不导入 (the server moves recognised ones by itself).
 */
export function chooseColumn(choice: ColumnChoice, letter: string, field: LedgerField | null): ColumnChoice {
  const next: ColumnChoice = {}
  for (const [l, f] of Object.entries(choice)) next[l] = field !== null && f === field && l !== letter ? null : f
  next[letter] = field
  return next
}
