import { DEFAULT_TIME_ZONE } from '@/domain/constants'

/** "2025年11月24日 星期一": the calendar day in the community's time zone, not the phone's. */
export function formatDay(now: number, locale: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(now)
}
