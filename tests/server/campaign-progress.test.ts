/**
 * The console's progress rows (server/campaigns/progress.ts): targets of micro-grids counted in
 * their grid (网格), and a worker credited with every target under the grids they are assigned
 * to — the grid's worker for all its micro-grids, a micro-grid's own worker for it — each once.
 */
import { describe, expect, it } from 'vitest'
import { rolledUpProgress } from '../../server/campaigns/progress'

const grids = [
  { id: 'c', parentId: null, level: 'community' as const, code: 'C', workerIds: [] },
  { id: 'g2', parentId: 'c', level: 'grid' as const, code: 'C-02', workerIds: ['wb'] },
  { id: 'g1', parentId: 'c', level: 'grid' as const, code: 'C-01', workerIds: ['wa'] },
  { id: 'm1', parentId: 'g1', level: 'micro' as const, code: 'C-01-1', workerIds: ['wm', 'wa'] },
  { id: 'm2', parentId: 'g1', level: 'micro' as const, code: 'C-01-2', workerIds: [] },
]
const t = (id: string, gridId: string) => ({ id, gridId, deleted: false })
const met = (id: string) => ({ campaignTargetId: id, outcome: 'met' as const, workerId: 'wa', hlc: `0${id}` })

describe('rolledUpProgress', () => {
  it('rolls micro-grids up to their grid, in code order; workers by the grids they hold', () => {
    const p = rolledUpProgress([t('1', 'm1'), t('2', 'm2'), t('3', 'g1'), t('4', 'g2')], [met('1'), met('4')], grids)
    expect(p.overall).toMatchObject({ total: 4, done: 2, percent: 50 })
    expect(p.grids.map((g) => [g.gridId, g.total, g.done, g.percent])).toEqual([['g1', 3, 1, 33], ['g2', 1, 1, 100]])
    const w = new Map(p.workers.map((x) => [x.workerId, [x.total, x.done]]))
    // wa holds g1 and m1: the three targets of g1, m1's counted once.
    expect(Object.fromEntries(w)).toEqual({ wa: [3, 1], wm: [1, 1], wb: [1, 1] })
    expect(p.stateOf.get('1')).toBe('done')
    expect(p.stateOf.get('2')).toBe('not_yet')
  })

  it('a target in a grid the list does not know keeps its own id', () => {
    const p = rolledUpProgress([t('1', 'gone')], [], grids)
    expect(p.grids.map((g) => g.gridId)).toEqual(['gone'])
    expect(p.workers).toEqual([])
  })
})
