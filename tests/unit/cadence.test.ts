import { describe, expect, it } from 'vitest'
import {
  QUARTERLY_DAYS,
  cadenceDaysOf,
  dayNumber,
  dayStartMs,
  dueState,
  dueThisWeek,
  visitCounts,
  visitedThisWeek,
  weekStartDay,
  type CadenceHousehold,
  type CadenceVisit,
} from '@/domain/cadence'
import { uuidv7 } from '@/domain/ids'

const DAY = 86_400_000
// 2026-11-25 (a Wednesday) 10:00 in Shanghai = 02:00 UTC.
const NOW = Date.UTC(2026, 10, 25, 2)
const TODAY = dayNumber(NOW)
// Recorded long ago, so a never-visited household is judged from its record date.
const OLD_ID = uuidv7(Date.UTC(2025, 0, 1))

function household(tags: string[] = [], extra: Partial<CadenceHousehold> = {}): CadenceHousehold {
  return { id: OLD_ID, tags: tags as CadenceHousehold['tags'], cadenceDays: null, members: [], ...extra }
}
const visit = (daysAgo: number, channel?: 'door' | 'phone', deleted = false): CadenceVisit => ({
  householdId: OLD_ID,
  startedAt: NOW - daysAgo * DAY,
  channel,
  deleted,
})

describe('cadence of a household', () => {
  it('follows the issue defaults per tag', () => {
    expect(cadenceDaysOf(household(['living_alone_elder']))).toBe(7)
    expect(cadenceDaysOf(household(['advanced_age']))).toBe(7)
    expect(cadenceDaysOf(household(['key_person']))).toBe(7)
    expect(cadenceDaysOf(household(['empty_nest_elder']))).toBe(14)
    expect(cadenceDaysOf(household(['disabled']))).toBe(14)
    for (const t of ['subsistence', 'hardship', 'four_types_member', 'floating', 'rental']) expect(cadenceDaysOf(household([t]))).toBe(30)
    expect(cadenceDaysOf(household([]))).toBe(QUARTERLY_DAYS)
    expect(cadenceDaysOf(household(['party_member', 'veteran']))).toBe(QUARTERLY_DAYS)
  })

  it('takes the strictest tag, members’ tags included (not of members who moved out)', () => {
    expect(cadenceDaysOf(household(['rental', 'empty_nest_elder', 'subsistence']))).toBe(14)
    const member = (tags: string[], status?: 'present' | 'moved_out' | 'deceased') => ({ tags: tags as never, status })
    expect(cadenceDaysOf(household(['rental'], { members: [member(['advanced_age'])] }))).toBe(7)
    expect(cadenceDaysOf(household(['rental'], { members: [member(['advanced_age'], 'deceased')] }))).toBe(30)
  })

  it('lets a household override its tags', () => {
    expect(cadenceDaysOf(household(['living_alone_elder'], { cadenceDays: 3 }))).toBe(3)
    expect(cadenceDaysOf(household(['living_alone_elder'], { cadenceDays: 21 }))).toBe(21)
  })
})

describe('which visits count', () => {
  it('a phone call does not replace a door visit for an elder living alone', () => {
    const alone = household(['living_alone_elder'])
    expect(visitCounts(alone, visit(1, 'phone'))).toBe(false)
    expect(visitCounts(alone, visit(1, 'door'))).toBe(true)
    expect(visitCounts(alone, visit(1))).toBe(true) // absent channel = door
    expect(visitCounts(household(['empty_nest_elder']), visit(1, 'phone'))).toBe(true)
    expect(visitCounts(household([]), visit(1, 'door', true))).toBe(false)
  })

  it('keeps an elder living alone due after only a call', () => {
    const alone = household(['living_alone_elder'])
    expect(dueState(alone, [visit(8, 'door'), visit(0, 'phone')], TODAY).status).toBe('overdue')
    expect(dueState(alone, [visit(8, 'door'), visit(0, 'door')], TODAY).status).toBe('upcoming')
    const nest = household(['empty_nest_elder'])
    expect(dueState(nest, [visit(20, 'door'), visit(0, 'phone')], TODAY).status).toBe('upcoming')
  })
})

describe('due state', () => {
  it('is due on the day one cadence after the last counting visit, overdue after', () => {
    const weekly = household(['advanced_age'])
    expect(dueState(weekly, [visit(6)], TODAY).status).toBe('upcoming')
    expect(dueState(weekly, [visit(7)], TODAY)).toMatchObject({ status: 'due', overdueDays: 0 })
    expect(dueState(weekly, [visit(9)], TODAY)).toMatchObject({ status: 'overdue', overdueDays: 2 })
    // the latest visit decides, whatever the order given
    expect(dueState(weekly, [visit(1), visit(30)], TODAY).status).toBe('upcoming')
  })

  it('ignores visits of other households', () => {
    const other = { ...visit(0), householdId: uuidv7() }
    expect(dueState(household(['advanced_age']), [other], TODAY).status).toBe('overdue')
  })

  it('starts a never-visited household’s clock on the day it was recorded', () => {
    const fresh = household(['advanced_age'], { id: uuidv7(NOW - 2 * DAY) })
    expect(dueState(fresh, [], TODAY)).toMatchObject({ status: 'upcoming', lastVisitDay: null })
    expect(dueState(household(['advanced_age']), [], TODAY).status).toBe('overdue')
  })

  it('counts calendar days in the community’s time zone, not UTC', () => {
    // 23:30 on 11/18 in Shanghai is 15:30 UTC the same day; 00:30 on 11/19 in Shanghai is still 11/18 in UTC.
    const lateEvening = Date.UTC(2026, 10, 18, 15, 30)
    const justAfterMidnight = Date.UTC(2026, 10, 18, 16, 30)
    expect(dayNumber(justAfterMidnight) - dayNumber(lateEvening)).toBe(1)
    expect(dayNumber(justAfterMidnight, 'UTC') - dayNumber(lateEvening, 'UTC')).toBe(0)
    const weekly = household(['advanced_age'])
    const at = (t: number): CadenceVisit => ({ householdId: OLD_ID, startedAt: t, channel: 'door', deleted: false })
    // visited at 00:30 on 11/19 (Shanghai): due on 11/26, so on 11/25 not yet
    expect(dueState(weekly, [at(justAfterMidnight)], TODAY).status).toBe('upcoming')
    // visited at 23:30 on 11/18: due 11/25 = today
    expect(dueState(weekly, [at(lateEvening)], TODAY).status).toBe('due')
    // the same instants read on the UTC calendar give another answer
    expect(dueState(weekly, [at(justAfterMidnight)], dayNumber(NOW, 'UTC'), 'UTC').status).toBe('due')
  })
})

describe('this week', () => {
  it('weeks start on Monday', () => {
    // 2026-11-23 is a Monday
    expect(weekStartDay(TODAY)).toBe(dayNumber(Date.UTC(2026, 10, 23, 4)))
    expect(weekStartDay(dayNumber(Date.UTC(2026, 10, 29, 4)))).toBe(weekStartDay(TODAY))
  })

  it('本周已访 and 本周应访', () => {
    const weekly = household(['advanced_age'])
    const visitedMonday = dueState(weekly, [visit(2)], TODAY)
    expect(visitedThisWeek(visitedMonday, TODAY)).toBe(true)
    expect(dueThisWeek(visitedMonday, TODAY)).toBe(false)
    const lastWeek = dueState(weekly, [visit(4)], TODAY) // Saturday before: due next Saturday, this week
    expect(visitedThisWeek(lastWeek, TODAY)).toBe(false)
    expect(dueThisWeek(lastWeek, TODAY)).toBe(true)
    const monthly = dueState(household(['rental']), [visit(4)], TODAY)
    expect(dueThisWeek(monthly, TODAY)).toBe(false)
  })
})

describe('start of a community day', () => {
  it('is local midnight, also in zones with half-hour offsets and daylight saving', () => {
    expect(dayStartMs(dayNumber(Date.UTC(2026, 10, 26, 3)), 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 25, 16))
    expect(dayStartMs(dayNumber(Date.UTC(2026, 10, 26, 3), 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(Date.UTC(2026, 10, 25, 18, 30))
    // 2026-03-29 in Berlin starts at +01:00 (the clocks go forward at 02:00 that morning)
    const sunday = dayNumber(Date.UTC(2026, 2, 29, 12), 'Europe/Berlin')
    expect(dayStartMs(sunday, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23))
  })
})
