/**
 * 搜索住户: one box that finds a household by Chinese name, full pinyin or pinyin initials (of
 * the head or any member: 张伟 by `zhangwei` and `zw`), an address fragment (`3号楼2单元`,
 * `3-2-301`, `301`) or the last digits of a phone.
 *
 * The index is built once from the records (pinyin through pinyin-pro, cached per distinct name,
 * so 20,000 households cost one conversion per name, not per keystroke); a query then scans
 * plain strings. Each household gets the best score of its keys; best first, ties in the order
 * the households were given (the ledger's order).
 */
import { pinyin } from 'pinyin-pro'
import type { Household } from './entities'

export interface SearchInput {
  household: Pick<Household, 'id' | 'headName' | 'members' | 'address' | 'unit' | 'room' | 'phone'>
  /** The building's compound (小区) and name (e.g. 3号楼), when the phone holds the building. */
  building?: { compound: string; name: string } | null
}

interface NameKey {
  han: string
  full: string
  initials: string
  /** 0 for the head of household, 5 for another member (a head's match ranks first). */
  penalty: number
}

interface SearchDoc {
  id: string
  names: NameKey[]
  buildingNo: string
  unit: string
  room: string
  compound: string
  /** The address without spaces. */
  address: string
  /** Phone numbers as digits only. */
  phones: string[]
}

export interface SearchIndex {
  docs: SearchDoc[]
}

export interface SearchHit {
  id: string
  score: number
}

export const SCORES = {
  nameExact: 100,
  pinyinExact: 90,
  initialsExact: 88,
  nameStarts: 80,
  address: 75,
  phoneTail: 72,
  pinyinStarts: 70,
  initialsStarts: 68,
  room: 60,
  nameContains: 50,
  addressContains: 40,
  shortPhoneTail: 35,
} as const

export type Pinyin = { full: string; initials: string }

/** Full pinyin without tones and the initials of a Chinese name, surnames read as surnames (曾 zeng). */
export function namePinyin(name: string): Pinyin {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' }) as string[]
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, '')).filter(Boolean)
  return { full: clean.join(''), initials: clean.map((s) => s[0]).join('') }
}

const digitsOnly = (s: string) => s.replace(/\D/g, '')
const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '')

/** Building number from a name like 3号楼 / 3栋 / 3幢 (else the name itself). */
function buildingNumber(name: string): string {
  const m = /(\d+)\s*(?:号楼|号|栋|幢|座)/.exec(name)
  return m ? m[1] : squash(name)
}

/** `cache` may be kept between builds (names repeat; pinyin is the costly part). */
export function buildSearchIndex(inputs: readonly SearchInput[], cache: Map<string, Pinyin> = new Map()): SearchIndex {
  const py = (name: string) => {
    let v = cache.get(name)
    if (!v) cache.set(name, (v = namePinyin(name)))
    return v
  }
  const docs = inputs.map(({ household: h, building }): SearchDoc => {
    const names: NameKey[] = []
    const seen = new Set<string>()
    const add = (name: string, penalty: number) => {
      const han = squash(name)
      if (!han || seen.has(han)) return
      seen.add(han)
      names.push({ han, ...py(han), penalty })
    }
    add(h.headName, 0)
    for (const m of h.members) add(m.name, 5)
    const addressBuilding = /(\d+)号楼/.exec(h.address)?.[1] ?? ''
    const phones = [h.phone, ...h.members.map((m) => m.phone)].map(digitsOnly).filter((p) => p.length >= 3)
    return {
      id: h.id,
      names,
      buildingNo: building ? buildingNumber(building.name) : addressBuilding,
      unit: digitsOnly(h.unit) || squash(h.unit),
      room: digitsOnly(h.room) || squash(h.room),
      compound: building ? squash(building.compound) : '',
      address: squash(h.address),
      phones: [...new Set(phones)],
    }
  })
  return { docs }
}

interface AddressQuery {
  compound: string
  building: string
  unit: string
  room: string
}

/** `3-2-301`, `3-2`, `3号楼`, `3号楼2单元`, `3号楼2单元301`, `海棠苑3号楼2单元301室`. */
export function parseAddressQuery(q: string): AddressQuery | null {
  const dash = /^(\d+)-(\d+)(?:-(\d+))?$/.exec(q)
  if (dash) return { compound: '', building: dash[1], unit: dash[2], room: dash[3] ?? '' }
  const zh = /^(.*?)(\d+)(?:号楼|号|栋|幢|座)(?:(\d+)单元)?(?:(\d+)室?)?$/.exec(q)
  if (zh) return { compound: zh[1], building: zh[2], unit: zh[3] ?? '', room: zh[4] ?? '' }
  const unitRoom = /^(\d+)单元(?:(\d+)室?)?$/.exec(q)
  if (unitRoom) return { compound: '', building: '', unit: unitRoom[1], room: unitRoom[2] ?? '' }
  return null
}

function nameScore(names: NameKey[], q: string, latin: boolean): number {
  let best = 0
  for (const n of names) {
    let s = 0
    if (latin) {
      if (n.full === q) s = SCORES.pinyinExact
      else if (n.initials === q) s = SCORES.initialsExact
      else if (n.full.startsWith(q)) s = SCORES.pinyinStarts
      else if (n.initials.startsWith(q)) s = SCORES.initialsStarts
    } else if (n.han === q) s = SCORES.nameExact
    else if (n.han.startsWith(q)) s = SCORES.nameStarts
    else if (n.han.includes(q)) s = SCORES.nameContains
    if (s) best = Math.max(best, s - n.penalty)
  }
  return best
}

function addressScore(d: SearchDoc, a: AddressQuery): number {
  if (a.building && d.buildingNo !== a.building) return 0
  if (a.unit && d.unit !== a.unit) return 0
  if (a.room && d.room !== a.room) return 0
  if (a.compound && !d.compound.includes(a.compound) && !d.address.includes(a.compound)) return 0
  // The more parts a query names, the surer the match.
  return SCORES.address + (a.room ? 3 : 0) + (a.unit ? 1 : 0)
}

/** Households matching `query`, best first; empty for an empty query. */
export function searchHouseholds(index: SearchIndex, query: string, limit = Infinity): SearchHit[] {
  const q = squash(query)
  if (!q) return []
  const latin = /^[a-z]+$/.test(q)
  const digits = /^\d+$/.test(q)
  const addr = digits ? null : parseAddressQuery(q)
  const hits: SearchHit[] = []
  for (const d of index.docs) {
    let score = 0
    if (digits) {
      if (d.room === q) score = SCORES.room
      for (const p of d.phones) {
        if (p.endsWith(q)) score = Math.max(score, q.length >= 4 ? SCORES.phoneTail : SCORES.shortPhoneTail)
      }
    } else if (addr) {
      score = addressScore(d, addr)
    } else {
      score = nameScore(d.names, q, latin)
      if (!latin && score < SCORES.addressContains && (d.address.includes(q) || d.compound.includes(q))) score = SCORES.addressContains
    }
    if (score > 0) hits.push({ id: d.id, score })
  }
  // Array.prototype.sort is stable: ties keep the ledger's order.
  hits.sort((a, b) => b.score - a.score)
  return limit < hits.length ? hits.slice(0, limit) : hits
}
