import { describe, expect, it } from 'vitest'
import { formatCommunityTime } from '@/ui/time'

// 2026-11-24 16:35 UTC is 00:35 on 11/25 in Laixi (Asia/Shanghai).
const LATE_EVENING_UTC = Date.UTC(2026, 10, 24, 16, 35)

describe('formatCommunityTime', () => {
  it('shows the community’s calendar day and hour, not UTC or the phone’s zone', () => {
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN')).toBe('11/25 00:35')
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN', { year: true })).toBe('2026/11/25 00:35')
  })

  it('drops the date for a time earlier the same community day', () => {
    const laterThatDay = LATE_EVENING_UTC + 10 * 3600_000
    expect(formatCommunityTime(LATE_EVENING_UTC, 'zh-CN', { sameDayShort: true, now: laterThatDay })).toBe('00:35')
    // 16:35 UTC the day before is already another day in Shanghai
    expect(formatCommunityTime(LATE_EVENING_UTC - 3600_000, 'zh-CN', { sameDayShort: true, now: laterThatDay })).toBe('11/24 23:35')
  })
})
