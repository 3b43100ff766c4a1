/** Rows a PostgreSQL plan read (EXPLAIN (ANALYZE, FORMAT JSON)), shared by bench/feedRows.ts and bench/load-city.ts. */
export interface PlanNode { 'Node Type': string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] }

/** Every row a scan node produced or filtered away, times its loops, over the whole plan tree. */
export function rowsRead(n: PlanNode): number {
  const own = /Scan/.test(n['Node Type']) && !/Subquery|CTE|Function|Values|WorkTable/.test(n['Node Type'])
    ? ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0)) * (n['Actual Loops'] ?? 1)
    : 0
  return own + (n.Plans ?? []).reduce((s, c) => s + rowsRead(c), 0)
}
