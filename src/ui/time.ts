/**
 * Times as people in the community read them: on the community's calendar (DESIGN §3, default
 * Asia/Shanghai), whatever time zone the phone or the supervisor's browser is set to.
 */
import { DEFAULT_TIME_ZONE } from '@/domain/constants'

/** 11/24 16:35; with `year`, 2026/11/24 16:35; with `sameDayShort`, only 16:35 for a time today. */
export function formatCommunityTime(
  ms: number,
  locale: string,
  opts: { year?: boolean; sameDayShort?: boolean; now?: number } = {},
): string {
  const day = (t: number) => new Intl.DateTimeFormat('en-CA', { timeZone: DEFAULT_TIME_ZONE }).format(t)
  const today = opts.sameDayShort && day(ms) === day(opts.now ?? Date.now())
  return new Intl.DateTimeFormat(locale, {
    ...(today ? {} : { month: '2-digit', day: '2-digit', ...(opts.year ? { year: 'numeric' } : {}) }),
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: DEFAULT_TIME_ZONE,
  }).format(ms)
}
