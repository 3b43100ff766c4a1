import { describe, expect, it } from 'vitest'
import type { GridNode, PatrolReplay } from '@/domain/console'
import { replayBoundaries, replayRuns } from '@/features/map/console.models'
import { fitBoxOf, type MapBoundary } from '@/features/map/map.models'

const square = (x: number): [number, number][] => [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
const node = (id: string, level: GridNode['level'], parentId: string | null, name: string, x = 0): GridNode => ({
  id, name, level, parentId, code: id, boundary: { type: 'Polygon', coordinates: [square(x)] },
})

describe('the console on the shared map', () => {
  it('breaks a walk where it has a gap', () => {
    const track: PatrolReplay['track'] = [[0, 1, 1], [10, 2, 2], [100, 3, 3], [110, 4, 4]]
    expect(replayRuns(track, [{ from: 10, to: 100, reason: null }])).toEqual([[[1, 1], [2, 2]], [[3, 3], [4, 4]]])
    expect(replayRuns(track, [])).toHaveLength(1)
  })

  it('shows the walked grid with its micro-grids, the other grids faint and without theirs', () => {
    const grids = [node('c', 'community', null, '社区'), node('g1', 'grid', 'c', '第一网格', 0), node('m1', 'micro', 'g1', '第一网格第一微网格', 0), node('g2', 'grid', 'c', '第二网格', 1), node('m2', 'micro', 'g2', '第二网格第一微网格', 1)]
    const shown = replayBoundaries(grids, [{ gridId: 'g1' } as PatrolReplay])
    expect(shown.map((b) => [b.name, !!b.muted])).toEqual([['第一网格', false], ['第一微网格', false], ['第二网格', true]])
  })

  it('fits the grids looked at, not their faint neighbours, and the tracks when asked', () => {
    const b = (x: number, muted = false): MapBoundary => ({ id: String(x), name: '', level: 'grid', ring: square(x), muted })
    const none = { buildings: [], pins: [], position: null }
    expect(fitBoxOf({ ...none, boundaries: [b(0), b(5, true)], tracks: [] })).toEqual([0, 0, 1, 1])
    const tracks = [{ id: 't', runs: [[[0.2, 0.3], [0.4, 0.5]] as [number, number][]] }]
    expect(fitBoxOf({ ...none, fit: 'tracks', boundaries: [b(0)], tracks })).toEqual([0.2, 0.3, 0.4, 0.5])
    expect(fitBoxOf({ ...none, boundaries: [], tracks: [] })).toBeNull()
  })
})
