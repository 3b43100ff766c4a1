/** 走访覆盖's chart: 已访 and 未访 add up to 应访; 逾期 stands beside, never on the due bar. */
import { describe, expect, it } from 'vitest'
import { coverageChart, notVisited } from '@/features/supervisor/coverage.models'

const labels = { visited: '已访', notVisited: '未访', overdue: '逾期' }

describe('coverage chart', () => {
  it('stacks 已访 and 未访 to the due count of each grid, 逾期 on its own', () => {
    const chart = coverageChart(
      [
        { gridName: '第一网格', due: 10, visited: 4, overdue: 3 },
        { gridName: '第二网格', due: 5, visited: 5, overdue: 0 },
      ],
      labels,
    )
    expect(chart.categories).toEqual(['第一网格', '第二网格'])
    const [visited, open, overdue] = chart.series
    expect(visited.data.map((v, i) => v + open.data[i])).toEqual([10, 5])
    expect(visited.stack).toBe(open.stack)
    expect(visited.stack).toBeDefined()
    expect(overdue.stack).toBeUndefined()
    expect(overdue.data).toEqual([3, 0])
  })

  it('never draws a bar taller than the due count, nor a negative part', () => {
    // Not expected from the server, but a bar over 应访 is exactly what misled before.
    const chart = coverageChart([{ gridName: '第一网格', due: 2, visited: 3, overdue: 0 }], labels)
    expect(chart.series[0].data[0] + chart.series[1].data[0]).toBe(2)
    expect(notVisited({ due: 2, visited: 3 })).toBe(0)
  })
})
