/**
 * Calendar days and ISO weeks in the community's time zone, for the supervisor console and the
 * weekly report (周周清). China has kept UTC+8 without daylight saving since 1991, so a fixed
 * offset is exact for Asia/Shanghai; another zone passes its own offset.
 */
export const DAY_MS = 24 * 60 * 60 * 1000
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const WEEK_RE = /^(\d{4})-W(\d{2})$/

/** 'YYYY-MM-DD' → UTC ms of that day's local midnight; null when not a real date. */
export function dayStart(day: string, offsetMs = SHANGHAI_OFFSET_MS): number | null {
  const m = DAY_RE.exec(day)
  if (!m) return null
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  if (formatUtcDay(utc) !== day) return null
  return utc - offsetMs
}

/** The local calendar day of a moment, as 'YYYY-MM-DD'. */
export function dayOf(at: number, offsetMs = SHANGHAI_OFFSET_MS): string {
  return formatUtcDay(Math.floor((at + offsetMs) / DAY_MS) * DAY_MS)
}

function formatUtcDay(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10)
}

/** Days from `from` to `to` inclusive ('YYYY-MM-DD' each). */
export function daysBetween(from: string, to: string): string[] {
  const a = dayStart(from, 0)
  const b = dayStart(to, 0)
  if (a === null || b === null || b < a) return []
  const out: string[] = []
  for (let t = a; t <= b; t += DAY_MS) out.push(formatUtcDay(t))
  return out
}

/** ISO week 'YYYY-Www' → [start, end) in UTC ms of local Monday 00:00 to the next Monday. */
export function isoWeekRange(week: string, offsetMs = SHANGHAI_OFFSET_MS): { from: number; to: number } | null {
  const m = WEEK_RE.exec(week)
  if (!m) return null
  const year = Number(m[1])
  const n = Number(m[2])
  if (n < 1 || n > isoWeeksInYear(year)) return null
  // Week 1 holds January 4th; its Monday starts the ISO year.
  const jan4 = Date.UTC(year, 0, 4)
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS
  const from = monday + (n - 1) * 7 * DAY_MS - offsetMs
  return { from, to: from + 7 * DAY_MS }
}

/** The ISO week ('YYYY-Www') of a moment in the local calendar. */
export function isoWeekOf(at: number, offsetMs = SHANGHAI_OFFSET_MS): string {
  const local = new Date(Math.floor((at + offsetMs) / DAY_MS) * DAY_MS)
  // The Thursday of this week decides the ISO year.
  const thursday = new Date(local.getTime() + (3 - ((local.getUTCDay() + 6) % 7)) * DAY_MS)
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

function isoWeeksInYear(year: number): number {
  // A year has 53 ISO weeks when December 28th falls in week 53.
  const dec28 = Date.UTC(year, 11, 28)
  return isoWeekOf(dec28, 0).endsWith('53') ? 53 : 52
}

/** The local calendar month 'YYYY-MM' → [start, end) in UTC ms. */
export function monthRange(month: string, offsetMs = SHANGHAI_OFFSET_MS): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) - offsetMs
  const to = Date.UTC(Number(m[1]), Number(m[2]), 1) - offsetMs
  return { from, to }
}
