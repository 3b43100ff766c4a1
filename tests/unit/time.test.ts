import { afterEach, describe, expect, it } from 'vitest'
import {
  communityTimeZone, formatCommunityTime, formatDate, formatDayId, formatDaySpan, formatMonth, formatToday, formatWeek, setCommunityTimeZone,
} from '@/ui/time'

// 2026-11-24 16:35 UTC is 00:35 on 25 November in Laixi (Asia/Shanghai), 11:35 on the 24th in New York.
const LATE_EVENING_UTC = Date.UTC(2026, 10, 24, 16, 35)

afterEach(() => setCommunityTimeZone('Asia/Shanghai'))

describe('formatCommunityTime', () => {
  it('shows the community’s calendar day and hour in Chinese, not UTC or the phone’s zone', () => {
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN')).toBe('11月25日 00:35')
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN', { year: true })).toBe('2026年11月25日 00:35')
    expect(formatCommunityTime(LATE_EVENING_UTC, 'en')).toBe('Nov 25, 00:35')
    expect(formatCommunityTime(LATE_EVENING_UTC, 'en', { year: true })).toBe('Nov 25, 2026, 00:35')
  })

  it('drops the date for a time earlier the same community day', () => {
    const laterThatDay = LATE_EVENING_UTC + 10 * 3600_000
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN', { sameDayShort: true, now: laterThatDay })).toBe('00:35')
    // 16:35 UTC the day before is already another day in Shanghai
    expect(formatCommunityTime(LATE_EVENING_UTC - 3600_000, 'zh-CN', { sameDayShort: true, now: laterThatDay })).toBe('11月24日 23:35')
  })

  it('follows the zone /api/config names', () => {
    setCommunityTimeZone('America/New_York')
    expect(communityTimeZone()).toBe('America/New_York')
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN')).toBe('11月24日 11:35')
    expect(formatDate(LATE_EVENING_UTC, 'zh-CN')).toBe('2026年11月24日')
    // A name no runtime knows leaves the zone as it was.
    setCommunityTimeZone('Nowhere/Atlantis')
    expect(communityTimeZone()).toBe('America/New_York')
  })
})

describe('dates, weeks and months', () => {
  it('writes days the Chinese way, English readably, never as ids', () => {
    expect(formatDayId('2026-12-05', 'zh-CN')).toBe('2026年12月5日')
    expect(formatDayId('2026-12-05', 'zh-CN', { year: false })).toBe('12月5日')
    expect(formatDayId('2026-12-05', 'en')).toBe('Dec 5, 2026')
    expect(formatToday(Date.UTC(2026, 11, 5, 2), 'zh-CN')).toBe('2026年12月5日 星期六')
    expect(formatToday(Date.UTC(2026, 11, 5, 2), 'en')).toBe('Saturday, Dec 5, 2026')
    expect(formatDate(LATE_EVENING_UTC, 'zh-CN')).toBe('2026年11月25日')
    expect(formatMonth('2026-12', 'zh-CN')).toBe('2026年12月')
    expect(formatMonth('2026-12', 'en')).toBe('December 2026')
  })

  it('writes a week as its number and its Monday to Sunday', () => {
    expect(formatWeek('2026-W49', 'zh-CN')).toBe('第49周 11月30日–12月6日')
    expect(formatWeek('2026-W48', 'zh-CN', { year: true })).toBe('2026年第48周 11月23日–29日')
    expect(formatWeek('2026-W53', 'zh-CN')).toBe('第53周 12月28日–2027年1月3日')
    expect(formatWeek('2026-W49', 'en')).toBe('Week 49, Nov 30 – Dec 6')
    expect(formatDaySpan('2026-11-19', '2026-12-02', 'zh-CN')).toBe('11月19日–12月2日')
    expect(formatDaySpan('2026-12-02', '2026-12-02', 'zh-CN')).toBe('12月2日')
    for (const s of [formatWeek('2026-W49', 'zh-CN'), formatWeek('2026-W49', 'en')]) expect(s).not.toMatch(/W\d\d|\d{4}-\d{2}/)
  })
})
