/**
 * Progress as the console reads it: targets sit in the leaf grid of their household (often a
 * micro-grid), but a supervisor follows grids (网格) and the people assigned to them. So the grid
 * rows are rolled up to the grid-level ancestor, and a worker counts every target under any grid
 * they are assigned to (a micro-grid's own worker, or the grid's worker for all its micro-grids),
 * each target once. The counting itself is src/domain/campaigns campaignProgress.
 */
import { campaignProgress, type CampaignAnswer, type CampaignProgress } from '../../src/domain/campaigns'
import type { Grid } from '../../src/domain/entities'

type GridLike = Pick<Grid, 'id' | 'parentId' | 'level' | 'code' | 'workerIds'>
type TargetKey = { id: string; gridId: string; deleted: boolean }

export function rolledUpProgress(targets: readonly TargetKey[], answers: readonly CampaignAnswer[], grids: readonly GridLike[]): CampaignProgress {
  const byId = new Map(grids.map((g) => [g.id, g]))
  /** The grid and its ancestors below the community. */
  const chain = (id: string): GridLike[] => {
    const out: GridLike[] = []
    for (let g = byId.get(id); g && g.level !== 'community' && out.length < 10; g = g.parentId ? byId.get(g.parentId) : undefined) out.push(g)
    return out
  }
  const topOf = new Map<string, string>()
  const leafWorkers = new Map<string, string[]>()
  for (const gridId of new Set(targets.map((t) => t.gridId))) {
    const c = chain(gridId)
    topOf.set(gridId, c.find((g) => g.level === 'grid')?.id ?? gridId)
    leafWorkers.set(gridId, [...new Set(c.flatMap((g) => g.workerIds))])
  }
  const gridOrder = [...grids].sort((a, b) => a.code.localeCompare(b.code)).map((g) => g.id)
  // Workers: per leaf grid, with the workers of it and of its ancestors (a set: each target once).
  const { workers, stateOf } = campaignProgress(targets, answers, { gridWorkers: leafWorkers })
  const { overall, grids: rows } = campaignProgress(
    targets.map((t) => ({ ...t, gridId: topOf.get(t.gridId) ?? t.gridId })),
    answers,
    { gridOrder },
  )
  return { overall, grids: rows, workers, stateOf }
}
