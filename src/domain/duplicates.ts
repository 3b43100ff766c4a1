/**
 * Duplicates caught at the door (DESIGN §8.7): before a household is added (or a member added),
 * the households already on record in the same building, unit and room, or with a member of the
 * same name and birth year, are shown with the choice to open the existing one.
 */
import type { Household } from './entities'

export type DuplicateReason = 'same_room' | 'same_member'

export interface DuplicateMatch {
  householdId: string
  reason: DuplicateReason
  /** For same_member: the member's name and birth year. */
  memberName?: string
  birthYear?: number | null
}

export type DuplicateCandidate = Pick<Household, 'buildingId' | 'unit' | 'room' | 'members'> & { id?: string }
type Existing = Pick<Household, 'id' | 'buildingId' | 'unit' | 'room' | 'members' | 'deleted'>

const norm = (s: string) => s.replace(/\s+/g, '').replace(/(单元|室)$/, '').toLowerCase()

/**
 * Existing households the candidate may duplicate; one match per household (same room first).
 * A member matches on the same name and birth year; a member without a birth year matches none.
 */
export function findDuplicates(candidate: DuplicateCandidate, existing: Iterable<Existing>): DuplicateMatch[] {
  const out: DuplicateMatch[] = []
  const unit = norm(candidate.unit)
  const room = norm(candidate.room)
  const people = new Map<string, number>()
  for (const m of candidate.members) if (m.name.trim() && m.birthYear != null) people.set(`${m.name.trim()}|${m.birthYear}`, m.birthYear)
  for (const h of existing) {
    if (h.deleted || (candidate.id && h.id === candidate.id)) continue
    if (candidate.buildingId && h.buildingId === candidate.buildingId && room && norm(h.room) === room && norm(h.unit) === unit) {
      out.push({ householdId: h.id, reason: 'same_room' })
      continue
    }
    if (!people.size) continue
    const same = h.members.find((m) => m.birthYear != null && people.has(`${m.name.trim()}|${m.birthYear}`))
    if (same) out.push({ householdId: h.id, reason: 'same_member', memberName: same.name, birthYear: same.birthYear })
  }
  return out
}
