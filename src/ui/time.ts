/**
 * Dates and times as people in the community read them, on the community's calendar
 * (src/domain/calendar.ts; FULLGRID_TIME_ZONE, default Asia/Shanghai) whatever zone the phone or
 * the supervisor's browser is set to. Chinese as written in China ("2026年12月5日",
 * "第49周 11月30日–12月6日", "12月5日 14:05"); English readable ("Dec 5, 2026", "Week 49, Nov 30 –
 * Dec 6"). Never an id ("2026-W49", "2026-12-05") and never the browser's own format.
 *
 * Pure functions of their arguments and the community's zone: the server's workbook uses them too.
 */
import { dayOf, isTimeZone, parseDay, parseIsoWeek } from '../domain/calendar'
import { DEFAULT_TIME_ZONE } from '../domain/constants'

let zone = DEFAULT_TIME_ZONE

/** The community's time zone: /api/config's answer once the app has it (src/features/map/map.config.ts). */
export function communityTimeZone(): string {
  return zone
}

/** Takes the zone /api/config names; an unknown name keeps the one in use. */
export function setCommunityTimeZone(next: string): void {
  if (isTimeZone(next)) zone = next
}

const isEnglish = (locale: string) => locale.toLowerCase().startsWith('en')
const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']

const enFormats = new Map<string, Intl.DateTimeFormat>()
function en(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options)
  let f = enFormats.get(key)
  if (!f) enFormats.set(key, (f = new Intl.DateTimeFormat('en-US', options)))
  return f
}

/** A day id's parts; the day as UTC midnight, for Intl in English. */
function partsOf(day: string): { y: number; m: number; d: number; utc: number } {
  const n = parseDay(day)
  if (n === null) throw new RangeError(`not a day: ${day}`)
  return { y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)), utc: n * 86_400_000 }
}

/**
 * A calendar day ('YYYY-MM-DD'): 2026年12月5日; without `year`, 12月5日; with `weekday`,
 * 2026年12月5日 星期六. English: Dec 5, 2026 / Dec 5 / Saturday, Dec 5, 2026.
 */
export function formatDayId(day: string, locale: string, opts: { year?: boolean; weekday?: boolean } = {}): string {
  const year = opts.year ?? true
  const p = partsOf(day)
  if (isEnglish(locale)) {
    return en({ timeZone: 'UTC', month: 'short', day: 'numeric', ...(year ? { year: 'numeric' } : {}), ...(opts.weekday ? { weekday: 'long' } : {}) }).format(p.utc)
  }
  const text = `${year ? `${p.y}年` : ''}${p.m}月${p.d}日`
  return opts.weekday ? `${text} ${WEEKDAYS_ZH[new Date(p.utc).getUTCDay()]}` : text
}

/** The community's calendar day of a moment: 2026年12月5日 (options as formatDayId). */
export function formatDate(ms: number, locale: string, opts: { year?: boolean; weekday?: boolean } = {}): string {
  return formatDayId(dayOf(ms, zone), locale, opts)
}

/** Today's heading on 今日: 2026年12月5日 星期六 / Saturday, Dec 5, 2026. */
export function formatToday(now: number, locale: string): string {
  return formatDate(now, locale, { weekday: true })
}

/** A span of days: 11月30日–12月6日, 12月1日–7日 in one month; with `year` the year leads once. */
export function formatDaySpan(from: string, to: string, locale: string, opts: { year?: boolean } = {}): string {
  if (isEnglish(locale)) {
    const a = formatDayId(from, locale, { year: false })
    const b = formatDayId(to, locale, { year: opts.year ?? false })
    return from === to ? a : `${a} – ${b}`
  }
  const a = partsOf(from)
  const b = partsOf(to)
  const lead = opts.year ? `${a.y}年` : ''
  if (from === to) return `${lead}${a.m}月${a.d}日`
  const tail = b.y !== a.y ? `${b.y}年${b.m}月${b.d}日` : b.m !== a.m ? `${b.m}月${b.d}日` : `${b.d}日`
  return `${lead}${a.m}月${a.d}日–${tail}`
}

/**
 * An ISO week ('YYYY-Www'): 第49周 11月30日–12月6日; with `year`, 2026年第49周 11月30日–12月6日.
 * English: Week 49, Nov 30 – Dec 6 (2026). An id that is no week is shown as it came.
 */
export function formatWeek(week: string, locale: string, opts: { year?: boolean } = {}): string {
  const w = parseIsoWeek(week)
  if (!w) return week
  const span = formatDaySpan(w.monday, w.sunday, locale)
  if (isEnglish(locale)) return `Week ${w.week}${opts.year ? ` of ${w.year}` : ''}, ${span}`
  return `${opts.year ? `${w.year}年` : ''}第${w.week}周 ${span}`
}

/** A month ('YYYY-MM'): 2026年12月 / December 2026. */
export function formatMonth(month: string, locale: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  if (isEnglish(locale)) return en({ timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.UTC(y, m - 1, 15))
  return `${y}年${m}月`
}

function clock(ms: number): string {
  // h23 with two-digit hours and minutes: 09:05, never 9:05 AM, in every locale.
  return en({ timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
}

/**
 * A moment: 12月5日 14:05; with `year`, 2026年12月5日 14:05; with `sameDayShort`, only 14:05 for
 * a time on the day of `now`. English: Dec 5, 14:05 / Dec 5, 2026, 14:05.
 */
export function formatCommunityTime(
  ms: number,
  locale: string,
  opts: { year?: boolean; sameDayShort?: boolean; now?: number } = {},
): string {
  const day = dayOf(ms, zone)
  if (opts.sameDayShort && day === dayOf(opts.now ?? Date.now(), zone)) return clock(ms)
  const date = formatDayId(day, locale, { year: !!opts.year })
  return isEnglish(locale) ? `${date}, ${clock(ms)}` : `${date} ${clock(ms)}`
}
