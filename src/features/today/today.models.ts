import { distanceM } from '@/domain/track'
import type { DueState } from '@/domain/cadence'
import type { Building, Household } from '@/domain/entities'

export interface DueItem {
  household: Household
  building: Building | null
  due: DueState
}

export interface Position {
  lat: number
  lng: number
}


const num = (s: string) => {
  const m = /\d+/.exec(s)
  return m ? Number(m[0]) : Number.MAX_SAFE_INTEGER
}

/**
 * Today's list: households due today or overdue (not those moved out), overdue first, then in
 * walking order — by compound and building, or nearest building first when the worker's position
 * is known — and within a building by unit and room.
 */
export function dueToday(items: readonly DueItem[], position: Position | null = null): DueItem[] {
  const list = items.filter((i) => !i.household.movedOutAt && (i.due.status === 'overdue' || i.due.status === 'due'))
  const collator = new Intl.Collator('zh-CN', { numeric: true })
  const dist = new Map<string, number>()
  const distOf = (i: DueItem) => {
    if (!position || !i.building) return Number.POSITIVE_INFINITY
    let d = dist.get(i.building.id)
    if (d === undefined) dist.set(i.building.id, (d = distanceM([position.lng, position.lat], i.building.location)))
    return d
  }
  return list.sort((a, b) => {
    const late = Number(b.due.status === 'overdue') - Number(a.due.status === 'overdue')
    if (late) return late
    if (position) {
      const d = distOf(a) - distOf(b)
      if (d && Number.isFinite(d)) return d
    }
    return (
      collator.compare(a.building?.compound ?? '', b.building?.compound ?? '') ||
      num(a.building?.name ?? '') - num(b.building?.name ?? '') ||
      num(a.household.unit) - num(b.household.unit) ||
      num(a.household.room) - num(b.household.room)
    )
  })
}

export interface DueCounts {
  all: number
  overdue: number
  due: number
}

export function countDue(list: readonly DueItem[]): DueCounts {
  const overdue = list.filter((i) => i.due.status === 'overdue').length
  return { all: list.length, overdue, due: list.length - overdue }
}
