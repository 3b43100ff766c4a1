/** Counts that describe a demo community at a glance (CLI output, test assertions). */
import { HOUSEHOLD_TAG_CODES } from '../src/domain/constants'
import type { EntityName } from '../src/domain/entities'
import type { DemoCommunity } from './generate'

export interface DemoSummary {
  communityId: string
  counts: Record<EntityName, number>
  compounds: number
  members: number
  gridsByLevel: { community: number; grid: number; micro: number }
  householdTags: Record<string, number>
  memberTags: Record<string, number>
  accounts: number
}

export function summarize(c: DemoCommunity): DemoSummary {
  const counts = Object.fromEntries(Object.entries(c.records).map(([k, v]) => [k, v.length])) as Record<EntityName, number>
  const gridsByLevel = { community: 0, grid: 0, micro: 0 }
  for (const g of c.records.grids) gridsByLevel[g.level]++
  const householdTags: Record<string, number> = Object.fromEntries(HOUSEHOLD_TAG_CODES.map((t) => [t, 0]))
  const memberTags: Record<string, number> = Object.fromEntries(HOUSEHOLD_TAG_CODES.map((t) => [t, 0]))
  let members = 0
  for (const h of c.records.households) {
    for (const t of h.tags) householdTags[t]++
    for (const m of h.members) {
      members++
      for (const t of m.tags) memberTags[t]++
    }
  }
  return {
    communityId: c.communityId,
    counts,
    compounds: new Set(c.records.buildings.map((b) => b.compound)).size,
    members,
    gridsByLevel,
    householdTags,
    memberTags,
    accounts: c.accounts.length,
  }
}
