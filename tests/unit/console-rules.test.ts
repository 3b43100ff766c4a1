/**
 * Pure rules behind the supervisor console: the community's calendar (days, ISO weeks, months in
 * UTC+8), track geometry for 轨迹回放 (simplification, stops, gaps, buildings passed), the ledger
 * columns' cleaning, and who lands in the console.
 */
import { describe, expect, it } from 'vitest'
import { dayOf, dayStart, daysBetween, isoWeekOf, isoWeekRange, monthRange } from '@/domain/weeks'
import { findGaps, findStops, type Point } from '../../server/supervisor/track'
import { clean, cleanBuilding, cleanRoom, cleanUnit, fieldOfHeader, idNumberProblem, phoneProblem } from '../../server/ledger-io/columns'
import { positionAt, prefersConsole } from '@/features/supervisor/supervisor.models'


describe('community calendar', () => {
  it('days start at midnight in Shanghai and refuse dates that do not exist', () => {
    expect(dayStart('2026-11-20')).toBe(Date.UTC(2026, 10, 19, 16))
    expect(dayStart('2026-02-29')).toBeNull()
    expect(dayStart('2026-13-01')).toBeNull()
    expect(dayOf(Date.UTC(2026, 10, 19, 16))).toBe('2026-11-20')
    expect(dayOf(Date.UTC(2026, 10, 19, 15, 59))).toBe('2026-11-19')
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'])
  })

  it('ISO weeks: 2026-W48 is Monday 23 November; week 53 only in long years', () => {
    expect(isoWeekRange('2026-W48')).toEqual({ from: Date.UTC(2026, 10, 22, 16), to: Date.UTC(2026, 10, 29, 16) })
    expect(isoWeekOf(Date.UTC(2026, 10, 22, 16))).toBe('2026-W48')
    expect(isoWeekOf(Date.UTC(2026, 10, 22, 15, 59))).toBe('2026-W47')
    // 1 January 2027 is a Friday: it belongs to the last week of 2026.
    expect(isoWeekOf(Date.UTC(2027, 0, 1, 4))).toBe('2026-W53')
    expect(isoWeekRange('2026-W53')).not.toBeNull()
    expect(isoWeekRange('2025-W53')).toBeNull()
    expect(isoWeekRange('2026-W00')).toBeNull()
    expect(monthRange('2026-11')).toEqual({ from: Date.UTC(2026, 9, 31, 16), to: Date.UTC(2026, 10, 30, 16) })
  })
})

describe('track geometry', () => {
  const east = (i: number, t0 = 0): Point => [t0 + i * 15_000, 120.5 + i * 0.0002, 36.87, 5]

  it('finds a stop of five minutes, not a walk, and not across a gap without fixes', () => {
    const stay = Array.from({ length: 21 }, (_, i): Point => [i * 15_000, 120.5, 36.87 + (i % 2) * 0.00001, 5])
    const walk = Array.from({ length: 10 }, (_, i) => east(i + 2, 19 * 15_000))
    expect(findStops([...stay, ...walk])).toEqual([{ from: 0, to: 300_000, lng: 120.5, lat: expect.closeTo(36.87, 5) }])
    expect(findStops(walk)).toEqual([])
    const beforeGap: Point = [0, 120.5, 36.87, 5]
    const afterGap: Point = [10 * 60_000, 120.5, 36.87, 5]
    expect(findStops([beforeGap, afterGap])).toEqual([])
    expect(findGaps([beforeGap, afterGap], [{ from: 60_000, to: 120_000, reason: '地下室' }])).toEqual([{ from: 0, to: 600_000, reason: '地下室' }])
    expect(findGaps([beforeGap, afterGap])).toEqual([{ from: 0, to: 600_000, reason: null }])
  })

  it('places the replay marker between fixes', () => {
    const track: [number, number, number][] = [[0, 120, 36], [10, 121, 37]]
    expect(positionAt(track, -1)).toBeNull()
    expect(positionAt(track, 5)).toEqual([120.5, 36.5])
    expect(positionAt(track, 99)).toEqual([121, 37])
  })
})

describe('ledger columns', () => {
  it('recognises headers as communities write them and cleans full-width input', () => {
    expect(fieldOfHeader('户主姓名')).toBe('headName')
    expect(fieldOfHeader(' 联系电话（手机）*')).toBe('phone')
    expect(fieldOfHeader('微信号')).toBeNull()
    expect(clean('１３８\u3000００１３')).toBe('138 0013')
    expect([cleanUnit('2单元'), cleanRoom('301室'), cleanBuilding('3'), cleanBuilding('A座')]).toEqual(['2', '301', '3号楼', 'A座'])
  })

  it('checks phones and resident ID numbers', () => {
    expect(phoneProblem('13800138000')).toBeNull()
    expect(phoneProblem('0532-88886666')).toBeNull()
    expect(phoneProblem('12345')).toMatch(/12345/)
    expect(idNumberProblem('11010519491231002X')).toBeNull()
    expect(idNumberProblem('110105194912310021')).toMatch(/校验位/)
    expect(idNumberProblem('1101051949')).toMatch(/18 位/)
  })
})

describe('who lands in the console', () => {
  it('supervisors and admins at 1,366 px; workers never; phones and 1,280 px windows keep the app', () => {
    expect(prefersConsole('supervisor', 1366)).toBe(true)
    expect(prefersConsole('admin', 1920)).toBe(true)
    expect(prefersConsole('worker', 1920)).toBe(false)
    expect(prefersConsole('supervisor', 1280)).toBe(false)
    expect(prefersConsole(undefined, 1920)).toBe(false)
  })
})
