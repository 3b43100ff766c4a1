/** Small helpers shared by the benchmarks: order statistics and rounding for the JSON report. */
export interface Summary {
  median: number
  min: number
  max: number
  runs: number[]
}

export function summarize(values: number[], digits = 3): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [] }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median: round(median, digits), min: round(sorted[0], digits), max: round(sorted[sorted.length - 1], digits), runs: values.map((v) => round(v, digits)) }
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

export const MB = 1024 * 1024

/** Argument `--name value` or `--name=value` from argv. */
export function arg(name: string, fallback?: string): string | undefined {
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1]
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3)
  }
  return fallback
}
