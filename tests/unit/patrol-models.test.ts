import { describe, expect, it } from 'vitest'
import type { Building, TrackPoint } from '@/domain/entities'
import { buildingsNotPassed, categoryForItem, dayStart, endedToday, formatDuration, patrolSummary, todayPatrolStates } from '@/features/patrol/patrol.models'
import { buildingsOnMap, cadenceDaysOf, householdVisitState, trackOnMap } from '@/features/map/map.models'
import { MIN_OFFLINE_ZOOM, tileX, tileY, tilesFor } from '@/features/offline-map/offline-map.models'
import { GAP_MS } from '@/domain/track'

const DAY = 86_400_000
const SH = 'Asia/Shanghai'

describe('the community day (日日巡)', () => {
  it('starts at 00:00 Shanghai time, whatever the UTC date', () => {
    // 2026-11-25 23:30 UTC is 2026-11-26 07:30 in Shanghai.
    const now = Date.UTC(2026, 10, 25, 23, 30)
    expect(dayStart(now, SH)).toBe(Date.UTC(2026, 10, 25, 16, 0))
    expect(dayStart(now, 'UTC')).toBe(Date.UTC(2026, 10, 25))
  })

  it('says done only for an ended patrol of that grid today', () => {
    const now = Date.UTC(2026, 10, 26, 4, 0) // 12:00 Shanghai
    const grids = [{ id: 'g1', name: '第一网格' }, { id: 'g2', name: '第二网格' }, { id: 'g3', name: '第三网格' }]
    const patrols = [
      { gridId: 'g1', workerId: 'me', startedAt: now - 3600_000, endedAt: now - 60_000, deleted: false },
      { gridId: 'g2', workerId: 'me', startedAt: now - 600_000, endedAt: null, deleted: false },
      { gridId: 'g3', workerId: 'me', startedAt: now - DAY, endedAt: now - DAY + 3600_000, deleted: false }, // yesterday
    ]
    expect(todayPatrolStates(patrols, grids, now, SH, 'me').map((g) => g.state)).toEqual(['done', 'running', 'not_started'])
    expect(todayPatrolStates(patrols, grids, now, SH, 'me').map((g) => g.by)).toEqual([[], [], []])
  })

  it('counts only the community day of now: a patrol dated the next day (a phone’s clock set back) is not today’s', () => {
    const now = Date.UTC(2026, 10, 25, 16, 20) // 00:20 on Nov 26 in Shanghai
    const grids = [{ id: 'g1', name: '第一网格' }]
    const lateYesterday = { gridId: 'g1', workerId: 'me', startedAt: Date.UTC(2026, 10, 25, 15, 0), endedAt: Date.UTC(2026, 10, 25, 15, 25), deleted: false }
    const tomorrow = { gridId: 'g1', workerId: 'me', startedAt: now + DAY, endedAt: now + DAY + 3600_000, deleted: false }
    expect(todayPatrolStates([lateYesterday, tomorrow], grids, now, SH, 'me')[0].state).toBe('not_started')
    expect(endedToday([{ id: 'x', ...lateYesterday }, { id: 'y', ...tomorrow }], 'me', now, SH)).toEqual([])
    // The same 23:00 patrol is today's at 23:50 Shanghai, whatever zone the phone is in.
    expect(todayPatrolStates([lateYesterday], grids, Date.UTC(2026, 10, 25, 15, 50), SH, 'me')[0].state).toBe('done')
  })

  it('is per grid: a colleague\'s patrol of the grid counts, and says who walked it', () => {
    const now = Date.UTC(2026, 10, 26, 4, 0)
    const grids = [{ id: 'g1', name: '第一网格' }, { id: 'g2', name: '第二网格' }]
    const names: Record<string, string> = { wang: '王芳', li: '李强' }
    const patrols = [
      { gridId: 'g1', workerId: 'wang', startedAt: now - 3600_000, endedAt: now - 60_000, deleted: false },
      { gridId: 'g1', workerId: 'li', startedAt: now - 600_000, endedAt: null, deleted: false },
      { gridId: 'g2', workerId: 'li', startedAt: now - 600_000, endedAt: null, deleted: false },
      { gridId: 'g2', workerId: 'wang', startedAt: now - 300_000, endedAt: null, deleted: true },
    ]
    const states = todayPatrolStates(patrols, grids, now, SH, 'me', (id) => names[id])
    expect(states).toEqual([
      { gridId: 'g1', name: '第一网格', state: 'done', by: ['王芳'] },
      { gridId: 'g2', name: '第二网格', state: 'running', by: ['李强'] },
    ])
    // Once the worker's own patrol ends too, it is simply 今日已巡.
    const mine = [...patrols, { gridId: 'g1', workerId: 'me', startedAt: now - 1800_000, endedAt: now - 120_000, deleted: false }]
    expect(todayPatrolStates(mine, grids, now, SH, 'me', (id) => names[id])[0]).toMatchObject({ state: 'done', by: [] })
  })

  it("lists the worker's own patrols ended today, newest first, for their 巡查小结", () => {
    const now = Date.UTC(2026, 10, 26, 4, 0)
    const p = (id: string, workerId: string, startedAt: number, endedAt: number | null) => ({ id, workerId, startedAt, endedAt, deleted: false })
    const list = [p('a', 'me', now - 7200_000, now - 3600_000), p('b', 'me', now - 1800_000, now - 60_000), p('c', 'me', now - 600_000, null), p('d', 'wang', now - 600_000, now), p('e', 'me', now - DAY, now - DAY + 60_000)]
    expect(endedToday(list, 'me', now, SH).map((x) => x.id)).toEqual(['b', 'a'])
  })
})

describe('buildings not passed yet (while patrolling)', () => {
  it('lists what is left by compound, in natural order (5号楼 before 15号楼)', () => {
    const b = (id: string, compound: string, name: string) => ({ id, compound, name })
    const buildings = [b('1', '翠湖花园', '15号楼'), b('2', '翠湖花园', '5号楼'), b('3', '阳光小区', '2号楼'), b('4', '翠湖花园', '6号楼'), b('5', '阳光小区', '10号楼')]
    expect(buildingsNotPassed(buildings, new Set(['4', '3']))).toEqual([
      { compound: '翠湖花园', names: ['5号楼', '15号楼'] },
      { compound: '阳光小区', names: ['10号楼'] },
    ])
    expect(buildingsNotPassed(buildings, new Set(['1', '2', '3', '4', '5']))).toEqual([])
  })
})

describe('patrol summary', () => {
  const M = 1 / 111_195
  const at = (s: number, north: number): TrackPoint => [1_763_880_000_000 + s * 1000, 120.52, 36.86 + north * M, 5]
  const b = (id: string, north: number, east = 0) => ({ id, location: [120.52 + east * M * 1.25, 36.86 + north * M] as Building['location'] })

  it('leads with coverage: buildings within 30 m, answered points, problems, issues; then duration and distance', () => {
    const points = [at(0, 0), at(60, 100), at(120, 200)]
    const s = patrolSummary(
      { startedAt: points[0][0], endedAt: points[0][0] + 30 * 60_000, answers: [{ itemId: 'a', status: 'ok', note: '', photoIds: [] }, { itemId: 'b', status: 'problem', note: '堆物', photoIds: [] }] },
      points,
      [b('on-route', 150, 10), b('off-route', 150, 200), b('end', 210)],
      { items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] as never },
      1,
      0,
    )
    expect(s).toMatchObject({ buildingsPassed: 2, buildingsTotal: 3, answered: 2, itemsTotal: 3, problems: 1, issuesReported: 1, durationMs: 30 * 60_000, pointCount: 3, gaps: [] })
    expect(s.distanceM).toBeCloseTo(200, 0)
    expect(formatDuration(s.durationMs, 'zh-CN')).toBe('30 分钟')
    expect(formatDuration(65 * 60_000, 'zh-CN')).toBe('1 小时 05 分')
  })

  it('maps a checklist item to an issue category by id or category label', () => {
    expect(categoryForItem({ id: 'ebike_charging', category: '消防安全' })).toBe('ebike_charging')
    expect(categoryForItem({ id: 'fire_lane', category: '消防安全' })).toBe('fire_safety')
    expect(categoryForItem({ id: 'x', category: '其它杂项' })).toBe('other')
  })
})

describe('map data', () => {
  const now = 1_763_880_000_000
  it('colours buildings by the worst household: overdue > due > done', () => {
    const h = (id: string, buildingId: string, tags: string[] = []) => ({ id, buildingId, tags: tags as never, cadenceDays: null })
    expect(cadenceDaysOf({ tags: ['living_alone_elder', 'rental'] as never, cadenceDays: null })).toBe(7)
    expect(householdVisitState({ tags: [], cadenceDays: 30 }, undefined, now)).toBe('overdue')
    expect(householdVisitState({ tags: [], cadenceDays: 30 }, now - 28 * DAY, now)).toBe('due')
    expect(householdVisitState({ tags: [], cadenceDays: 30 }, now - 2 * DAY, now)).toBe('done')
    const buildings = ['b1', 'b2', 'b3'].map((id) => ({ id, compound: '阳光花园', name: id, location: [120, 36] }) as unknown as Building)
    const households = [h('h1', 'b1'), h('h2', 'b1', ['living_alone_elder']), h('h3', 'b2')]
    const visits = new Map([['h1', now - DAY], ['h2', now - 10 * DAY], ['h3', now - DAY]])
    expect(buildingsOnMap(buildings, households, visits, now).map((x) => [x.id, x.households, x.state])).toEqual([
      ['b1', 2, 'overdue'],
      ['b2', 1, 'done'],
      ['b3', 0, 'none'],
    ])
  })

  it('draws a track as runs split at gaps', () => {
    const gap = GAP_MS / 1000 + 1
    const pts: TrackPoint[] = [[0, 120, 36, 5], [10_000, 120, 36.001, 5], [(10 + gap) * 1000, 120, 36.002, 5]]
    expect(trackOnMap('t', pts).runs).toEqual([[[120, 36], [120, 36.001]], [[120, 36.002]]])
  })
})

describe('offline tiles', () => {
  it('numbers tiles as the tile services do', () => {
    expect([tileX(0, 1), tileY(0, 1)]).toEqual([1, 1])
    expect([tileX(-180, 3), tileY(85, 3)]).toEqual([0, 0])
    // Laixi at zoom 16
    expect([tileX(120.52, 16), tileY(36.86, 16)]).toEqual([54707, 25540]) // checked with asinh(tan φ), the textbook formula
  })

  it('covers a box at every zoom from the minimum, counting tiles per level', () => {
    const box: [number, number, number, number] = [120.51, 36.85, 120.53, 36.87]
    const tiles = tilesFor(box, MIN_OFFLINE_ZOOM, 16)
    const perZoom = [13, 14, 15, 16].map((z) => tiles.filter((t) => t.z === z).length)
    expect(perZoom[0]).toBeGreaterThanOrEqual(1)
    for (let i = 1; i < perZoom.length; i++) expect(perZoom[i]).toBeGreaterThanOrEqual(perZoom[i - 1])
    const z16 = tiles.filter((t) => t.z === 16)
    expect(new Set(z16.map((t) => t.x)).size).toBe(tileX(120.53, 16) - tileX(120.51, 16) + 1)
    expect(new Set(z16.map((t) => t.y)).size).toBe(tileY(36.85, 16) - tileY(36.87, 16) + 1)
  })
})
