/**
 * Lengths and durations of walks as people read them, one rule for the phone and the console:
 * 850 米 / 1.25 公里, 30 分钟 / 1 小时 05 分 (English: 850 m / 1.25 km, 30 min / 1 h 05 min).
 */
const isEnglish = (locale: string) => locale.toLowerCase().startsWith('en')

/** 1 小时 05 分 / 30 分钟; 1 h 05 min / 30 min. */
export function formatDuration(ms: number, locale: string): string {
  const minutes = Math.round(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  if (isEnglish(locale)) return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`
  return h ? `${h} 小时 ${String(m).padStart(2, '0')} 分` : `${m} 分钟`
}

/** 850 米 / 1.25 公里; 850 m / 1.25 km. */
export function formatDistance(m: number, locale: string): string {
  if (m < 1000) return isEnglish(locale) ? `${Math.round(m)} m` : `${Math.round(m)} 米`
  const km = (m / 1000).toFixed(2)
  return isEnglish(locale) ? `${km} km` : `${km} 公里`
}
