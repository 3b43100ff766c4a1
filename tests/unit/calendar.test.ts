/**
 * The community calendar (src/domain/calendar.ts) in Asia/Shanghai (UTC+8 all year) and in
 * America/New_York, whose clocks change: 2026-03-08 has 23 hours, 2026-11-01 has 25.
 */
import { describe, expect, it } from 'vitest'
import {
  addDays, addWeeks, dayBounds, dayNumber, dayOf, dayRange, dayStart, daysApart, daysBetween, daysOfRange, fixedOffsetMs,
  isTimeZone, isoWeekDays, isoWeekOf, isoWeekOfDay, isoWeekRange, monthOf, monthRange, parseIsoWeek, zoneOffsetMs,
} from '@/domain/calendar'

const SH = 'Asia/Shanghai'
const NY = 'America/New_York'
const HOUR = 3_600_000

describe('days', () => {
  it('start at midnight in the zone and refuse dates that do not exist', () => {
    expect(dayStart('2026-11-20', SH)).toBe(Date.UTC(2026, 10, 19, 16))
    expect(dayStart('2026-11-20', NY)).toBe(Date.UTC(2026, 10, 20, 5))
    expect(dayStart('2026-07-20', NY)).toBe(Date.UTC(2026, 6, 20, 4))
    expect(dayStart('2026-02-29', SH)).toBeNull()
    expect(dayStart('2026-13-01', SH)).toBeNull()
    expect(dayStart('20261120', SH)).toBeNull()
    expect(dayOf(Date.UTC(2026, 10, 19, 16), SH)).toBe('2026-11-20')
    expect(dayOf(Date.UTC(2026, 10, 19, 15, 59), SH)).toBe('2026-11-19')
    // The same moment is two different days in the two zones.
    expect(dayOf(Date.UTC(2026, 10, 20, 3), NY)).toBe('2026-11-19')
    expect(dayOf(Date.UTC(2026, 10, 20, 3), SH)).toBe('2026-11-20')
  })

  it('last 23 and 25 hours where New York changes its clocks, 24 in Shanghai', () => {
    const spring = dayRange('2026-03-08', NY)!
    expect(spring).toEqual({ from: Date.UTC(2026, 2, 8, 5), to: Date.UTC(2026, 2, 9, 4) })
    const autumn = dayRange('2026-11-01', NY)!
    expect(autumn.to - autumn.from).toBe(25 * HOUR)
    const shanghai = dayRange('2026-03-08', SH)!
    expect(shanghai.to - shanghai.from).toBe(24 * HOUR)
    // 24.5 hours after midnight on the long day is 23:30, still that day.
    expect(dayOf(autumn.from + 24.5 * HOUR, NY)).toBe('2026-11-01')
    expect(dayOf(spring.from + 23 * HOUR, NY)).toBe('2026-03-09')
  })

  it('begin at the first moment that exists where daylight saving skips midnight', () => {
    // São Paulo went from 00:00 −03 straight to 01:00 −02 on 4 November 2018.
    expect(dayStart('2018-11-04', 'America/Sao_Paulo')).toBe(Date.UTC(2018, 10, 4, 3))
    expect(dayOf(Date.UTC(2018, 10, 4, 3), 'America/Sao_Paulo')).toBe('2018-11-04')
    expect(dayOf(Date.UTC(2018, 10, 4, 3) - 1, 'America/Sao_Paulo')).toBe('2018-11-03')
  })

  it('count calendar days, not 24-hour spans', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'])
    expect(daysBetween('2026-12-02', '2026-12-01')).toEqual([])
    expect(daysApart('2026-03-07', '2026-03-09')).toBe(2)
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    // 00:30 on consecutive days across the spring change: one day apart, though 23 hours.
    const before = dayStart('2026-03-08', NY)! + HOUR / 2
    const after = dayStart('2026-03-09', NY)! + HOUR / 2
    expect(after - before).toBe(23 * HOUR)
    expect(dayNumber(after, NY) - dayNumber(before, NY)).toBe(1)
    expect(dayBounds(['2026-03-08', '2026-03-09'], NY)).toEqual([Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 9, 4), Date.UTC(2026, 2, 10, 4)])
  })
})

describe('ISO weeks', () => {
  it('run Monday to Sunday in the zone: week 49 of 2026 is 30 November to 6 December', () => {
    expect(parseIsoWeek('2026-W49')).toEqual({ year: 2026, week: 49, monday: '2026-11-30', sunday: '2026-12-06' })
    expect(isoWeekDays('2026-W49')).toHaveLength(7)
    expect(isoWeekRange('2026-W48', SH)).toEqual({ from: Date.UTC(2026, 10, 22, 16), to: Date.UTC(2026, 10, 29, 16) })
    expect(isoWeekOf(Date.UTC(2026, 10, 22, 16), SH)).toBe('2026-W48')
    expect(isoWeekOf(Date.UTC(2026, 10, 22, 15, 59), SH)).toBe('2026-W47')
    // Sunday 6 December, 23:30 in New York, is Monday noon in Shanghai: another week.
    const lateSunday = Date.UTC(2026, 11, 7, 4, 30)
    expect(isoWeekOf(lateSunday, NY)).toBe('2026-W49')
    expect(isoWeekOf(lateSunday, SH)).toBe('2026-W50')
  })

  it('lose an hour in the week the clocks spring forward', () => {
    const w = isoWeekRange('2026-W10', NY)!
    expect(isoWeekDays('2026-W10')[6]).toBe('2026-03-08')
    expect(w).toEqual({ from: Date.UTC(2026, 2, 2, 5), to: Date.UTC(2026, 2, 9, 4) })
    expect(daysOfRange(w, NY)).toEqual(isoWeekDays('2026-W10'))
  })

  it('belong to the year of their Thursday; week 53 only in long years', () => {
    // 1 January 2027 is a Friday: it belongs to the last week of 2026.
    expect(isoWeekOf(Date.UTC(2027, 0, 1, 4), SH)).toBe('2026-W53')
    expect(isoWeekOfDay('2027-01-04')).toBe('2027-W01')
    expect(isoWeekOfDay('2025-12-29')).toBe('2026-W01')
    expect(isoWeekRange('2026-W53', SH)).not.toBeNull()
    expect(isoWeekRange('2025-W53', SH)).toBeNull()
    expect(isoWeekRange('2026-W00', SH)).toBeNull()
    expect(addWeeks('2026-W53', 1)).toBe('2027-W01')
    expect(addWeeks('2026-W01', -1)).toBe('2025-W52')
  })
})

describe('months', () => {
  it('run from the 1st 00:00 to the next 1st in the zone', () => {
    expect(monthRange('2026-11', SH)).toEqual({ from: Date.UTC(2026, 9, 31, 16), to: Date.UTC(2026, 10, 30, 16) })
    // New York's November begins in summer time and ends in winter time: 30 days and an hour.
    const nov = monthRange('2026-11', NY)!
    expect(nov).toEqual({ from: Date.UTC(2026, 10, 1, 4), to: Date.UTC(2026, 11, 1, 5) })
    expect(daysOfRange(nov, NY)).toHaveLength(30)
    expect(daysOfRange(monthRange('2028-02', SH)!, SH)).toHaveLength(29)
    expect(monthRange('2026-13', SH)).toBeNull()
    expect(monthOf(Date.UTC(2026, 10, 30, 16), SH)).toBe('2026-12')
    expect(monthOf(Date.UTC(2026, 10, 30, 16), NY)).toBe('2026-11')
  })
})

describe('zones', () => {
  it('knows offsets, and which zones keep one all year', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 6, 1), NY)).toBe(-4 * HOUR)
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), NY)).toBe(-5 * HOUR)
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), SH)).toBe(8 * HOUR)
    expect(fixedOffsetMs(SH)).toBe(8 * HOUR)
    expect(fixedOffsetMs('UTC')).toBe(0)
    expect(fixedOffsetMs(NY)).toBeNull()
    expect(isTimeZone(SH)).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })
})
