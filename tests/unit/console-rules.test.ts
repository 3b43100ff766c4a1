/**
 * Pure rules behind the supervisor console (its calendar: calendar.test.ts): track geometry for
 * 轨迹回放 (simplification, stops, gaps, buildings passed), the ledger columns' cleaning, and who
 * lands in the console.
 */
import { describe, expect, it } from 'vitest'
import { findGaps, findStops, type Point } from '../../server/supervisor/track'
import { clean, cleanBuilding, cleanRoom, cleanUnit, fieldOfHeader, idNumberProblem, phoneProblem } from '../../server/ledger-io/columns'
import { positionAt, prefersConsole } from '@/features/supervisor/supervisor.models'

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
