/**
 * 走访覆盖's chart: per grid, the households due a visit (应访) split into 已访 and 未访, stacked so
 * the bar's height is the due count — never 已访 piled on top of 应访, which read as more
 * households than there are. 逾期 is not a part of that split (it is counted at the period's last
 * day, not as of its start), so it stands beside the bar rather than on it.
 */
import type { CoverageCounts } from '@/domain/console'

export interface ChartSeries {
  name: string
  data: number[]
  color?: string
  /** Series with the same stack name are drawn on top of one another; the others side by side. */
  stack?: string
}

export interface CoverageChartLabels {
  visited: string
  notVisited: string
  overdue: string
}

/** Households due but not (yet) visited in the period; never negative. */
export function notVisited(c: Pick<CoverageCounts, 'due' | 'visited'>): number {
  return Math.max(0, c.due - c.visited)
}

export function coverageChart(
  grids: (Pick<CoverageCounts, 'due' | 'visited' | 'overdue'> & { gridName: string })[],
  labels: CoverageChartLabels,
): { categories: string[]; series: ChartSeries[] } {
  return {
    categories: grids.map((g) => g.gridName),
    series: [
      { name: labels.visited, data: grids.map((g) => Math.min(g.visited, g.due)), color: '#07c160', stack: 'due' },
      { name: labels.notVisited, data: grids.map(notVisited), color: '#c8c9cc', stack: 'due' },
      { name: labels.overdue, data: grids.map((g) => g.overdue), color: '#ee0a24' },
    ],
  }
}
