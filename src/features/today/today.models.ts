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

/** Metres between two WGS84 points (haversine; plenty for a walk between buildings). */
export function distanceM(a: Position, b: Position): number {
  const R = 6_371_000
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLng = (b.lng - a.lng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
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
    if (d === undefined) dist.set(i.building.id, (d = distanceM(position, { lng: i.building.location[0], lat: i.building.location[1] })))
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
