import { describe, expect, it } from 'vitest'
import type { DueState } from '@/domain/cadence'
import type { Building, Household } from '@/domain/entities'
import { countDue, dueToday, type DueItem } from '@/features/today/today.models'
import { distanceM } from '@/domain/track'

const state = (status: DueState['status'], overdueDays = 0): DueState => ({
  cadenceDays: 7, lastVisitDay: null, lastVisitAt: null, dueDay: 0, status, overdueDays,
})
const building = (id: string, compound: string, name: string, lng: number, lat: number) =>
  ({ id, compound, name, location: [lng, lat] }) as Building
const item = (id: string, b: Building, unit: string, room: string, due: DueState, movedOutAt: number | null = null): DueItem => ({
  household: { id, unit, room, movedOutAt, address: '' } as Household,
  building: b,
  due,
})

// Two compounds; 海棠苑 sorts before 银杏园 (hai < yin), 3号楼 before 12号楼.
const h3 = building('h3', '海棠苑', '3号楼', 120.5, 36.85)
const h12 = building('h12', '海棠苑', '12号楼', 120.5, 36.86)
const y1 = building('y1', '银杏园', '1号楼', 120.6, 36.9)

describe('today’s due list', () => {
  const items = [
    item('upcoming', h3, '1', '101', state('upcoming')),
    item('due-y1', y1, '1', '101', state('due')),
    item('due-h12', h12, '1', '101', state('due')),
    item('late-y1', y1, '2', '201', state('overdue', 3)),
    item('due-h3-b', h3, '2', '101', state('due')),
    item('due-h3-a', h3, '1', '502', state('due')),
    item('gone', h3, '1', '101', state('overdue', 30), 1),
  ]

  it('lists due and overdue households (not upcoming, not moved out), overdue first, then by compound, building, unit, room', () => {
    expect(dueToday(items).map((i) => i.household.id)).toEqual(['late-y1', 'due-h3-a', 'due-h3-b', 'due-h12', 'due-y1'])
  })

  it('puts the nearest building first when the position is known', () => {
    const atYinxing = { lng: 120.6, lat: 36.9 }
    expect(dueToday(items, atYinxing).map((i) => i.household.id)).toEqual(['late-y1', 'due-y1', 'due-h12', 'due-h3-a', 'due-h3-b'])
  })

  it('counts', () => {
    expect(countDue(dueToday(items))).toEqual({ all: 5, overdue: 1, due: 4 })
  })

  it('measures metres on the ground', () => {
    expect(Math.round(distanceM([120.5, 36.85], [120.5, 36.86]))).toBe(1112)
  })
})
