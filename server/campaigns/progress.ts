/**
 * Progress as the console reads it: targets sit in the leaf grid of their household (often a
 * micro-grid), but a supervisor follows grids (网格) and the people assigned to them. So the grid
 * rows are rolled up to the grid-level ancestor, and a worker counts every target under any grid
 * they are assigned to (a micro-grid's own worker, or the grid's worker for all its micro-grids),
 * each target once. The endpoint gets the counts per leaf grid and state from SQL
 * (repository stateCountsByGrid); rolledUpProgress does the same from targets and answers in
 * memory, with src/domain/campaigns campaignProgress (the tests' yardstick).
 */
import { campaignProgress, emptyCounts, progressOfCounts, type CampaignAnswer, type CampaignProgress, type ProgressCounts } from '../../src/domain/campaigns'
import type { Grid } from '../../src/domain/entities'

type GridLike = Pick<Grid, 'id' | 'parentId' | 'level' | 'code' | 'workerIds'>
type TargetKey = { id: string; gridId: string; deleted: boolean }
type Counts = Omit<ProgressCounts, 'percent'>

/** Rows per grid (网格) and per worker from counts per leaf grid. */
export function rolledUpCounts(leafCounts: ReadonlyMap<string, Counts>, grids: readonly GridLike[]): Omit<CampaignProgress, 'stateOf'> {
  const byId = new Map(grids.map((g) => [g.id, g]))
  /** The grid and its ancestors below the community. */
  const chain = (id: string): GridLike[] => {
    const out: GridLike[] = []
    for (let g = byId.get(id); g && g.level !== 'community' && out.length < 10; g = g.parentId ? byId.get(g.parentId) : undefined) out.push(g)
    return out
  }
  const top = new Map<string, ProgressCounts>()
  const leafWorkers = new Map<string, string[]>()
  for (const [gridId, counts] of leafCounts) {
    const c = chain(gridId)
    const topId = c.find((g) => g.level === 'grid')?.id ?? gridId
    leafWorkers.set(gridId, [...new Set(c.flatMap((g) => g.workerIds))])
    let sum = top.get(topId)
    if (!sum) top.set(topId, (sum = emptyCounts()))
    for (const k of ['total', 'done', 'not_home', 'refused', 'not_yet'] as const) sum[k] += counts[k]
  }
  const gridOrder = [...grids].sort((a, b) => a.code.localeCompare(b.code)).map((g) => g.id)
  // Workers: per leaf grid, with the workers of it and of its ancestors (a set: each target once).
  const { workers } = progressOfCounts(leafCounts, { gridWorkers: leafWorkers })
  const { overall, grids: rows } = progressOfCounts(top, { gridOrder })
  return { overall, grids: rows, workers }
}

/** The same from targets and answers in memory. */
export function rolledUpProgress(targets: readonly TargetKey[], answers: readonly CampaignAnswer[], grids: readonly GridLike[]): CampaignProgress {
  const { stateOf } = campaignProgress(targets, answers)
  const leaf = new Map<string, Counts>()
  for (const t of targets) {
    const s = stateOf.get(t.id)
    if (!s) continue
    let c = leaf.get(t.gridId)
    if (!c) leaf.set(t.gridId, (c = emptyCounts()))
    c.total++
    c[s]++
  }
  return { ...rolledUpCounts(leaf, grids), stateOf }
}
