/**
 * Pure view logic of the ledger: the order 小区 → 楼栋 → 单元 → 户, the flat rows of the
 * virtual list (group headers with counts, then households), filters, and who may see a full
 * phone or ID number.
 */
import { allTags, dueThisWeek, visitedThisWeek, type DueState } from '@/domain/cadence'
import type { Building, Grid, Household, Role } from '@/domain/entities'

export interface LedgerItem {
  household: Household
  building: Building | null
  due: DueState
}

export type VisitFilter = '' | 'overdue' | 'dueThisWeek' | 'visitedThisWeek'

export interface LedgerFilters {
  tag: string
  visit: VisitFilter
  gridId: string
}

export const NO_FILTERS: LedgerFilters = { tag: '', visit: '', gridId: '' }

export interface GroupRow {
  kind: 'group'
  key: string
  level: 0 | 1 | 2
  label: string
  count: number
}

export interface HouseholdRow {
  kind: 'household'
  key: string
  item: LedgerItem
  /** The path of groups above this row (小区 · 楼栋 · 单元), for the sticky header. */
  path: string
}

export type LedgerRow = GroupRow | HouseholdRow

const num = (s: string) => {
  const m = /\d+/.exec(s)
  return m ? Number(m[0]) : Number.MAX_SAFE_INTEGER
}

/** 小区 of a household: its building's compound, else the word before the building in its address. */
export function compoundOf(item: Pick<LedgerItem, 'building'>, otherLabel: string): string {
  return item.building?.compound ?? otherLabel
}

export function buildingLabel(item: Pick<LedgerItem, 'building'>): string {
  return item.building?.name ?? ''
}

/** "3号楼2单元301室" (or the address when the household has no building). */
export function shortAddress(item: Pick<LedgerItem, 'household' | 'building'>): string {
  const h = item.household
  if (!item.building) return h.address
  return `${item.building.name}${h.unit ? `${h.unit}单元` : ''}${h.room ? `${h.room}室` : ''}`
}

/** Sorts in place by compound (Chinese collation), building number, unit, room. */
export function sortLedger<T extends Pick<LedgerItem, 'household' | 'building'>>(items: T[], otherLabel = '其他'): T[] {
  const collator = new Intl.Collator('zh-CN', { numeric: true })
  const compounds = [...new Set(items.map((i) => compoundOf(i, otherLabel)))].sort(collator.compare)
  const rank = new Map(compounds.map((c, i) => [c, i]))
  // Numeric keys in typed arrays, compared by index: no objects made per comparison.
  const n = items.length
  const k0 = new Float64Array(n)
  const k1 = new Float64Array(n)
  const k2 = new Float64Array(n)
  const k3 = new Float64Array(n)
  const names: string[] = new Array(n)
  const rooms: string[] = new Array(n)
  items.forEach((i, x) => {
    const b = buildingLabel(i)
    k0[x] = rank.get(compoundOf(i, otherLabel))!
    k1[x] = num(b)
    names[x] = b
    k2[x] = num(i.household.unit)
    k3[x] = num(i.household.room)
    rooms[x] = i.household.room
  })
  const order = Array.from({ length: n }, (_, x) => x)
  order.sort(
    (a, b) =>
      k0[a] - k0[b] ||
      k1[a] - k1[b] ||
      (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0) ||
      k2[a] - k2[b] ||
      k3[a] - k3[b] ||
      (rooms[a] < rooms[b] ? -1 : rooms[a] > rooms[b] ? 1 : 0) ||
      a - b,
  )
  const sorted = order.map((x) => items[x])
  for (let x = 0; x < n; x++) items[x] = sorted[x]
  return items
}

/** Flat rows for the virtual list: a header for each compound, building and unit, with counts. */
export function groupRows(sorted: readonly LedgerItem[], labels: { other: string; unit: (u: string) => string; count: (n: number) => string }): LedgerRow[] {
  const rows: LedgerRow[] = []
  let i = 0
  while (i < sorted.length) {
    const compound = compoundOf(sorted[i], labels.other)
    let j = i
    while (j < sorted.length && compoundOf(sorted[j], labels.other) === compound) j++
    rows.push({ kind: 'group', key: `c:${compound}`, level: 0, label: compound, count: j - i })
    let k = i
    while (k < j) {
      const building = buildingLabel(sorted[k])
      let m = k
      while (m < j && buildingLabel(sorted[m]) === building) m++
      if (building) rows.push({ kind: 'group', key: `b:${compound}:${building}`, level: 1, label: building, count: m - k })
      let n = k
      while (n < m) {
        const unit = sorted[n].household.unit
        let p = n
        while (p < m && sorted[p].household.unit === unit) p++
        if (unit) rows.push({ kind: 'group', key: `u:${compound}:${building}:${unit}`, level: 2, label: labels.unit(unit), count: p - n })
        const path = [
          `${compound}（${labels.count(j - i)}）`,
          building && `${building}（${labels.count(m - k)}）`,
          unit && `${labels.unit(unit)}（${labels.count(p - n)}）`,
        ]
          .filter(Boolean)
          .join(' › ')
        for (let q = n; q < p; q++) rows.push({ kind: 'household', key: sorted[q].household.id, item: sorted[q], path })
        n = p
      }
      k = m
    }
    i = j
  }
  return rows
}

/** Grid ids that count as "in grid g": g itself and its micro-grids. */
export function gridMembership(grids: readonly Grid[]): Map<string, string> {
  const parent = new Map<string, string>()
  for (const g of grids) if (g.parentId) parent.set(g.id, g.parentId)
  return parent
}

export function matchesFilters(item: LedgerItem, f: LedgerFilters, today: number, parentOf: ReadonlyMap<string, string>): boolean {
  if (f.tag && !allTags(item.household).has(f.tag)) return false
  if (f.gridId && item.household.gridId !== f.gridId && parentOf.get(item.household.gridId) !== f.gridId) return false
  if (f.visit === 'overdue' && item.due.status !== 'overdue') return false
  if (f.visit === 'dueThisWeek' && !dueThisWeek(item.due, today)) return false
  if (f.visit === 'visitedThisWeek' && !visitedThisWeek(item.due, today)) return false
  return true
}

/**
 * Who may reveal a full value with an explicit tap (DESIGN §5, §7): workers call residents and
 * check identity at the door; supervisors follow up; an administrator runs the system and has no
 * need for residents' data.
 */
export function canReveal(role: Role | undefined, what: 'phone' | 'idNumber'): boolean {
  if (role === 'worker' || role === 'supervisor') return true
  void what
  return false
}

/** `tel:` link of a phone number (digits and a leading + only). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`
}

// ---------------------------------------------------------------------------------------------
// The edit form (新增 / 编辑住户)

export interface HouseholdForm {
  buildingId: string
  unit: string
  room: string
  address: string
  headName: string
  phone: string
  tags: Household['tags']
  health: string
  situation: string
  needs: string
  notes: string
  cadenceDays: string
  movedOutAt: number | null
  members: (Omit<Household['members'][number], 'birthYear'> & { birthYear: string })[]
}

export function emptyForm(): HouseholdForm {
  return {
    buildingId: '', unit: '', room: '', address: '', headName: '', phone: '', tags: [], health: '', situation: '', needs: '', notes: '',
    cadenceDays: '', movedOutAt: null, members: [],
  }
}

export function formOf(h: Household): HouseholdForm {
  return {
    buildingId: h.buildingId ?? '', unit: h.unit, room: h.room, address: h.address, headName: h.headName, phone: h.phone, tags: [...h.tags],
    health: h.health, situation: h.situation, needs: h.needs, notes: h.notes, cadenceDays: h.cadenceDays ? String(h.cadenceDays) : '',
    movedOutAt: h.movedOutAt ?? null,
    members: h.members.map((m) => ({ ...m, tags: [...m.tags], birthYear: m.birthYear ? String(m.birthYear) : '' })),
  }
}

export function newMember(): HouseholdForm['members'][number] {
  return { name: '', relation: '', gender: 'unknown', birthYear: '', idNumber: '', phone: '', tags: [], status: 'present' }
}

/** The address a household in this building, unit and room has when none was typed. */
export function composeAddress(building: Pick<Building, 'compound' | 'name'> | undefined, unit: string, room: string): string {
  if (!building) return ''
  return `${building.compound} ${building.name}${unit ? `${unit}单元` : ''}${room ? `${room}室` : ''}`
}

/** Form → the household's fields (the head is member 1 when the list is empty). */
export function fieldsOf(f: HouseholdForm, building: Pick<Building, 'compound' | 'name' | 'gridId'> | undefined) {
  const members = f.members
    .filter((m) => m.name.trim())
    .map((m) => ({ ...m, name: m.name.trim(), birthYear: /^\d{4}$/.test(m.birthYear.trim()) ? Number(m.birthYear.trim()) : null }))
  if (members.length === 0 && f.headName.trim()) {
    members.push({ ...newMember(), name: f.headName.trim(), relation: '户主', birthYear: null })
  }
  const cadence = Number(f.cadenceDays)
  return {
    buildingId: f.buildingId || null,
    unit: f.unit.trim(),
    room: f.room.trim(),
    address: f.address.trim() || composeAddress(building, f.unit.trim(), f.room.trim()),
    headName: f.headName.trim(),
    phone: f.phone.trim(),
    members,
    tags: f.tags,
    health: f.health,
    situation: f.situation,
    needs: f.needs,
    notes: f.notes,
    cadenceDays: Number.isInteger(cadence) && cadence > 0 ? cadence : null,
    movedOutAt: f.movedOutAt,
  }
}
