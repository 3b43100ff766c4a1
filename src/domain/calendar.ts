/**
 * The community's calendar (DESIGN §3): calendar days, ISO weeks and months counted in one IANA
 * time zone (FULLGRID_TIME_ZONE, default Asia/Shanghai), whatever zone the server, the phone or
 * the supervisor's browser runs in. Shared by the phone (今日, 巡查, the console's pickers) and
 * the server (日日巡, 走访覆盖, 周报). Days are 'YYYY-MM-DD', weeks 'YYYY-Www' (ISO 8601), months
 * 'YYYY-MM': ids for APIs and URLs; src/ui/time.ts writes them for people.
 *
 * Zones with daylight saving have 23- and 25-hour days, so a day's start is looked up in the
 * zone (Intl.DateTimeFormat), never derived from a fixed offset.
 */
import { DEFAULT_TIME_ZONE } from './constants'

export const DAY_MS = 86_400_000

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const WEEK_RE = /^(\d{4})-W(\d{2})$/
const MONTH_RE = /^(\d{4})-(\d{2})$/

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Day numbers: days since 1970-01-01 of a calendar day, the arithmetic core of everything below.

const dayFormats = new Map<string, Intl.DateTimeFormat>()
/** Per zone: quarter-hour bucket → day. Every zone's offset is a multiple of 15 minutes, so a day
 * boundary never falls inside a bucket; 20,000 households cost a few hundred Intl calls, not 20,000. */
const dayCache = new Map<string, Map<number, number>>()
const startCache = new Map<string, Map<number, number>>()
const QUARTER_HOUR = 900_000

/** Days since 1970-01-01 of the calendar day `ms` falls on in `zone`. */
export function dayNumber(ms: number, zone: string = DEFAULT_TIME_ZONE): number {
  let cache = dayCache.get(zone)
  if (!cache) dayCache.set(zone, (cache = new Map()))
  const bucket = Math.floor(ms / QUARTER_HOUR)
  const hit = cache.get(bucket)
  if (hit !== undefined) return hit
  let f = dayFormats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dayFormats.set(zone, f)
  }
  // en-CA formats as YYYY-MM-DD.
  const s = f.format(bucket * QUARTER_HOUR)
  const day = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS
  if (cache.size > 50_000) cache.clear()
  cache.set(bucket, day)
  return day
}

/**
 * UTC ms at which calendar day `day` (a dayNumber) begins in `zone`: the first quarter hour that
 * dayNumber puts on that day (zone offsets are whole quarter hours within −12 h…+14 h). Where
 * daylight saving skips midnight, the day begins at the first moment that exists.
 */
export function dayStartMs(day: number, zone: string = DEFAULT_TIME_ZONE): number {
  let cache = startCache.get(zone)
  if (!cache) startCache.set(zone, (cache = new Map()))
  const hit = cache.get(day)
  if (hit !== undefined) return hit
  const utcMidnight = day * DAY_MS
  let start = utcMidnight
  // Binary search: dayNumber is monotonic in time, so the first bucket on `day` is well defined.
  let lo = Math.floor((utcMidnight - 15 * 3_600_000) / QUARTER_HOUR)
  let hi = Math.floor((utcMidnight + 13 * 3_600_000) / QUARTER_HOUR)
  if (dayNumber(hi * QUARTER_HOUR, zone) >= day) {
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (dayNumber(mid * QUARTER_HOUR, zone) >= day) hi = mid
      else lo = mid + 1
    }
    start = lo * QUARTER_HOUR
  }
  if (cache.size > 10_000) cache.clear()
  cache.set(day, start)
  return start
}

/** Monday of the week `day` (a dayNumber) falls in; 1970-01-01 was a Thursday. */
export function weekStartDay(day: number): number {
  return day - ((day + 3) % 7)
}

/** 'YYYY-MM-DD' of a dayNumber. */
export function dayId(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The dayNumber of 'YYYY-MM-DD'; null when it is not a real date. */
export function parseDay(day: string): number | null {
  const m = DAY_RE.exec(day)
  if (!m) return null
  const n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS
  return dayId(n) === day ? n : null
}

// ---------------------------------------------------------------------------------------------
// Days

/** The community's calendar day of a moment, as 'YYYY-MM-DD'. */
export function dayOf(at: number, zone: string): string {
  return dayId(dayNumber(at, zone))
}

/** 'YYYY-MM-DD' → UTC ms of that day's first moment in `zone`; null when not a real date. */
export function dayStart(day: string, zone: string): number | null {
  const n = parseDay(day)
  return n === null ? null : dayStartMs(n, zone)
}

/** [start, end) of a calendar day in UTC ms: 24 hours, or 23 or 25 where the clocks change. */
export function dayRange(day: string, zone: string): { from: number; to: number } | null {
  const n = parseDay(day)
  return n === null ? null : { from: dayStartMs(n, zone), to: dayStartMs(n + 1, zone) }
}

/** The day `n` days after (negative: before) `day`. */
export function addDays(day: string, n: number): string {
  const d = parseDay(day)
  if (d === null) throw new RangeError(`not a day: ${day}`)
  return dayId(d + n)
}

/** Days from `from` to `to`, both included ('YYYY-MM-DD' each); empty when `to` is before `from`. */
export function daysBetween(from: string, to: string): string[] {
  const a = parseDay(from)
  const b = parseDay(to)
  if (a === null || b === null || b < a) return []
  return Array.from({ length: b - a + 1 }, (_, i) => dayId(a + i))
}

/** Calendar days from `from` to `to` (`to` − `from`; 1 for consecutive days). */
export function daysApart(from: string, to: string): number {
  const a = parseDay(from)
  const b = parseDay(to)
  if (a === null || b === null) throw new RangeError(`not a day: ${a === null ? from : to}`)
  return b - a
}

/** The calendar days that [from, to) touches, in order (a week: 7, a month: 28 to 31). */
export function daysOfRange(range: { from: number; to: number }, zone: string): string[] {
  if (range.to <= range.from) return []
  const a = dayNumber(range.from, zone)
  const b = dayNumber(range.to - 1, zone)
  return Array.from({ length: b - a + 1 }, (_, i) => dayId(a + i))
}

/**
 * UTC ms of each day's start for `days` (consecutive), plus the end of the last day: the bounds
 * the server's SQL buckets patrols into (width_bucket), right across a clock change.
 */
export function dayBounds(days: readonly string[], zone: string): number[] {
  if (!days.length) return []
  const first = parseDay(days[0])
  if (first === null) throw new RangeError(`not a day: ${days[0]}`)
  return Array.from({ length: days.length + 1 }, (_, i) => dayStartMs(first + i, zone))
}

// ---------------------------------------------------------------------------------------------
// ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday)

/** The ISO week ('YYYY-Www') of a calendar day. */
export function isoWeekOfDay(day: string): string {
  const n = parseDay(day)
  if (n === null) throw new RangeError(`not a day: ${day}`)
  return isoWeekOfNumber(n)
}

function isoWeekOfNumber(n: number): string {
  // The Thursday of this week decides the ISO year.
  const thursday = weekStartDay(n) + 3
  const year = new Date(thursday * DAY_MS).getUTCFullYear()
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The ISO week ('YYYY-Www') of a moment in the community's calendar. */
export function isoWeekOf(at: number, zone: string): string {
  return isoWeekOfNumber(dayNumber(at, zone))
}

/** Year and number of 'YYYY-Www'; null when the year has no such week. */
export function parseIsoWeek(week: string): { year: number; week: number; monday: string; sunday: string } | null {
  const m = WEEK_RE.exec(week)
  if (!m) return null
  const year = Number(m[1])
  const n = Number(m[2])
  if (n < 1 || n > isoWeeksInYear(year)) return null
  // Week 1 holds January 4th; its Monday starts the ISO year.
  const monday = weekStartDay(Date.UTC(year, 0, 4) / DAY_MS) + (n - 1) * 7
  return { year, week: n, monday: dayId(monday), sunday: dayId(monday + 6) }
}

/** The seven days of an ISO week, Monday first; empty when there is no such week. */
export function isoWeekDays(week: string): string[] {
  const w = parseIsoWeek(week)
  return w ? daysBetween(w.monday, w.sunday) : []
}

/** ISO week 'YYYY-Www' → [start, end) in UTC ms: Monday 00:00 to the next Monday 00:00 in `zone`. */
export function isoWeekRange(week: string, zone: string): { from: number; to: number } | null {
  const w = parseIsoWeek(week)
  if (!w) return null
  const monday = parseDay(w.monday)!
  return { from: dayStartMs(monday, zone), to: dayStartMs(monday + 7, zone) }
}

/** The week `n` weeks after (negative: before) `week`. */
export function addWeeks(week: string, n: number): string {
  const w = parseIsoWeek(week)
  if (!w) throw new RangeError(`not a week: ${week}`)
  return isoWeekOfNumber(parseDay(w.monday)! + 7 * n)
}

function isoWeeksInYear(year: number): number {
  // A year has 53 ISO weeks when December 28th falls in week 53.
  return isoWeekOfNumber(Date.UTC(year, 11, 28) / DAY_MS).endsWith('53') ? 53 : 52
}

// ---------------------------------------------------------------------------------------------
// Months

/** The calendar month ('YYYY-MM') of a moment. */
export function monthOf(at: number, zone: string): string {
  return dayOf(at, zone).slice(0, 7)
}

/** The calendar month 'YYYY-MM' → [start, end) in UTC ms, the 1st 00:00 to the next 1st in `zone`. */
export function monthRange(month: string, zone: string): { from: number; to: number } | null {
  const m = MONTH_RE.exec(month)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null
  const first = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) / DAY_MS
  const next = Date.UTC(Number(m[1]), Number(m[2]), 1) / DAY_MS
  return { from: dayStartMs(first, zone), to: dayStartMs(next, zone) }
}

// ---------------------------------------------------------------------------------------------
// Offsets, for SQL that counts days of many rows at once

const fixedOffsets = new Map<string, number | null>()
const partFormats = new Map<string, Intl.DateTimeFormat>()

/** Offset of `zone` from UTC at `at`, in ms (Asia/Shanghai: +8 h; New York in July: −4 h). */
export function zoneOffsetMs(at: number, zone: string): number {
  let f = partFormats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    partFormats.set(zone, f)
  }
  const parts = f.formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  // The wall clock read as if it were UTC, minus the moment itself (whole seconds on both sides).
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - Math.floor(at / 1000) * 1000
}

/**
 * The zone's offset when it has kept one offset all year since 2000 (Asia/Shanghai: +8 h, no
 * daylight saving since 1991); null for zones with daylight saving. Lets SQL count days with
 * plain arithmetic where that is exact.
 */
export function fixedOffsetMs(zone: string): number | null {
  if (fixedOffsets.has(zone)) return fixedOffsets.get(zone)!
  let offset: number | null = zoneOffsetMs(Date.UTC(2000, 0, 15), zone)
  for (let year = 2000; year <= 2040 && offset !== null; year++) {
    for (const month of [0, 3, 6, 9]) {
      if (zoneOffsetMs(Date.UTC(year, month, 15), zone) !== offset) offset = null
    }
  }
  fixedOffsets.set(zone, offset)
  return offset
}
