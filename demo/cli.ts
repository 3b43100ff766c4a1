/**
 * Demo community on the command line:
 *   npx tsx demo/cli.ts [--households N] [--seed S] [--now MS] [--patrol-days D] [--out file.json]
 * Without --out it prints a JSON summary (counts per entity, tag counts, generation time);
 * with --out it writes the whole community as JSON and prints the summary as well.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generateCommunity } from './generate'
import { summarize } from './summary'

export interface CliOptions {
  households?: number
  seed?: number
  now?: number
  /** Days of 日日巡 patrols before `now` (default 1: yesterday). */
  patrolDays?: number
  out?: string
}

const NUMERIC = { '--households': 'households', '--seed': 'seed', '--now': 'now', '--patrol-days': 'patrolDays' } as const

export function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = {}
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--help' || flag === '-h') throw new Error('usage: tsx demo/cli.ts [--households N] [--seed S] [--now MS] [--patrol-days D] [--out file.json]')
    if (value === undefined) throw new Error(`${flag} needs a value`)
    i++
    if (flag === '--out') opts.out = value
    else if (flag in NUMERIC) {
      const n = Number(value)
      if (!Number.isInteger(n)) throw new Error(`${flag} must be an integer, got ${value}`)
      opts[NUMERIC[flag as keyof typeof NUMERIC]] = n
    } else throw new Error(`unknown option ${flag}`)
  }
  return opts
}

function main(): void {
  let opts: CliOptions
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error((e as Error).message)
    process.exit(2)
  }
  const started = performance.now()
  const community = generateCommunity(opts)
  const ms = Math.round(performance.now() - started)
  if (opts.out) writeFileSync(opts.out, JSON.stringify(community))
  console.log(JSON.stringify({ ...summarize(community), generatedInMs: ms, ...(opts.out ? { writtenTo: opts.out } : {}) }, null, 2))
}

// Run only as a script, so tests can import parseArgs.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main()
