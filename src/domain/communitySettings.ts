/**
 * 社区设置 (issue 18): what a community sets for itself — its name, its calendar (the time zone
 * every "day" of 日日巡, 走访覆盖, 周报 and the phones' 今日 is counted in) and how long a phone
 * may sit unused before the app locks (issue 19 uses it). Pure: the server's settings route and
 * the console's form judge with the same rules; the server's FULLGRID_TIME_ZONE is the default.
 */
import { z } from 'zod'
import { isTimeZone } from './calendar'
import { DEFAULT_LOCK_MINUTES } from './constants'

// Kept in constants.ts so the app's entry reads it without zod.
export { DEFAULT_LOCK_MINUTES }
export const MIN_LOCK_MINUTES = 1
export const MAX_LOCK_MINUTES = 60

export interface CommunitySettings {
  timeZone: string
  lockMinutes: number
}

/** Zones a street office picks from, with the names people use for them (the first is China's). */
export const COMMON_TIME_ZONES: readonly { zone: string; zh: string; en: string }[] = [
  { zone: 'Asia/Shanghai', zh: '北京时间', en: 'China Standard Time' },
  { zone: 'Asia/Urumqi', zh: '新疆时间', en: 'Xinjiang Time' },
  { zone: 'Asia/Hong_Kong', zh: '香港时间', en: 'Hong Kong Time' },
  { zone: 'Asia/Macau', zh: '澳门时间', en: 'Macau Time' },
  { zone: 'Asia/Taipei', zh: '台北时间', en: 'Taipei Time' },
  { zone: 'Asia/Tokyo', zh: '东京时间', en: 'Tokyo Time' },
  { zone: 'Asia/Seoul', zh: '首尔时间', en: 'Seoul Time' },
  { zone: 'Asia/Singapore', zh: '新加坡时间', en: 'Singapore Time' },
  { zone: 'Asia/Bangkok', zh: '曼谷时间', en: 'Bangkok Time' },
  { zone: 'Asia/Dubai', zh: '迪拜时间', en: 'Dubai Time' },
  { zone: 'Europe/Moscow', zh: '莫斯科时间', en: 'Moscow Time' },
  { zone: 'Europe/Berlin', zh: '柏林时间', en: 'Berlin Time' },
  { zone: 'Europe/London', zh: '伦敦时间', en: 'London Time' },
  { zone: 'America/New_York', zh: '纽约时间', en: 'New York Time' },
  { zone: 'America/Los_Angeles', zh: '洛杉矶时间', en: 'Los Angeles Time' },
  { zone: 'Australia/Sydney', zh: '悉尼时间', en: 'Sydney Time' },
  { zone: 'UTC', zh: '协调世界时', en: 'Coordinated Universal Time' },
]

/** "北京时间（Asia/Shanghai）"; a zone outside the list by its IANA name alone. */
export function timeZoneLabel(zone: string, locale = 'zh-CN'): string {
  const known = COMMON_TIME_ZONES.find((z) => z.zone === zone)
  if (!known) return zone
  return locale.toLowerCase().startsWith('en') ? `${known.en} (${zone})` : `${known.zh}（${zone}）`
}

export function timeZoneProblem(zone: string): string | null {
  const z = zone.trim()
  if (!z) return '请选择时区'
  if (!isTimeZone(z)) return `时区“${z}”不存在，请选择列表中的时区（例如 北京时间 Asia/Shanghai）`
  return null
}

export function lockMinutesProblem(minutes: number): string | null {
  if (!Number.isInteger(minutes) || minutes < MIN_LOCK_MINUTES || minutes > MAX_LOCK_MINUTES) {
    return `自动锁定时间应为 ${MIN_LOCK_MINUTES}–${MAX_LOCK_MINUTES} 分钟的整数`
  }
  return null
}

/** What /api/config adds for a signed-in person: their community's settings (absent before login). */
export const communityConfigSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  lockMinutes: z.number().int().min(MIN_LOCK_MINUTES).max(MAX_LOCK_MINUTES),
})
export type CommunityConfig = z.infer<typeof communityConfigSchema>
