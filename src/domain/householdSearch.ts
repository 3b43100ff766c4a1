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

/** Sorted keys for prefix lookups by binary search: `doc` indexes SearchIndex.docs. */
interface KeyTable {
  keys: string[]
  docs: Int32Array
  penalties: Int8Array
}

export interface SearchIndex {
  docs: SearchDoc[]
  full: KeyTable
  initials: KeyTable
  han: KeyTable
  /** Phone numbers reversed, so a tail of the number is a prefix. */
  phoneTails: KeyTable
  rooms: Map<string, number[]>
  /** Names, and addresses with their compound, each joined into one text: "contains" is one indexOf walk. */
  hanText: FlatText
  addressText: FlatText
}

interface FlatText {
  text: string
  starts: Int32Array
  docs: Int32Array
  penalties: Int8Array
}

const SEP = '\u0001'

function flatText(entries: [string, number, number][]): FlatText {
  const starts = new Int32Array(entries.length)
  let pos = 0
  entries.forEach(([key], i) => {
    starts[i] = pos
    pos += key.length + 1
  })
  return {
    text: entries.map((e) => e[0]).join(SEP),
    starts,
    docs: Int32Array.from(entries, (e) => e[1]),
    penalties: Int8Array.from(entries, (e) => e[2]),
  }
}

/** Calls `found(doc, penalty)` for each entry containing q (once per entry). */
function findIn(t: FlatText, q: string, found: (doc: number, penalty: number) => void): void {
  let at = t.text.indexOf(q)
  while (at !== -1) {
    let lo = 0
    let hi = t.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (t.starts[mid] <= at) lo = mid
      else hi = mid - 1
    }
    found(t.docs[lo], t.penalties[lo])
    const next = lo + 1 < t.starts.length ? t.starts[lo + 1] : t.text.length
    at = t.text.indexOf(q, next)
  }
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
  const rows = (pick: (d: SearchDoc) => [string, number][]) => {
    const all: [string, number, number][] = []
    docs.forEach((d, i) => {
      for (const [key, penalty] of pick(d)) if (key) all.push([key, i, penalty])
    })
    all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]))
    return { keys: all.map((r) => r[0]), docs: Int32Array.from(all, (r) => r[1]), penalties: Int8Array.from(all, (r) => r[2]) }
  }
  const rooms = new Map<string, number[]>()
  docs.forEach((d, i) => {
    if (!d.room) return
    const list = rooms.get(d.room)
    if (list) list.push(i)
    else rooms.set(d.room, [i])
  })
  return {
    docs,
    full: rows((d) => d.names.map((n) => [n.full, n.penalty])),
    initials: rows((d) => d.names.map((n) => [n.initials, n.penalty])),
    han: rows((d) => d.names.map((n) => [n.han, n.penalty])),
    phoneTails: rows((d) => d.phones.map((p) => [[...p].reverse().join(''), 0])),
    rooms,
    hanText: flatText(docs.flatMap((d, i) => d.names.map((n): [string, number, number] => [n.han, i, n.penalty]))),
    addressText: flatText(docs.map((d, i): [string, number, number] => [`${d.compound}${SEP}${d.address}`.replaceAll(SEP, ' '), i, 0])),
  }
}

/** First position whose key is ≥ q. */
function lowerBound(keys: string[], q: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (keys[mid] < q) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Every key starting with q: `exact` score for an equal key, `prefix` otherwise, less the penalty. */
function scorePrefix(t: KeyTable, q: string, exact: number, prefix: number, best: Int16Array, touched: number[]): void {
  for (let i = lowerBound(t.keys, q); i < t.keys.length && t.keys[i].startsWith(q); i++) {
    const s = (t.keys[i] === q ? exact : prefix) - t.penalties[i]
    const d = t.docs[i]
    if (best[d] === 0) touched.push(d)
    if (s > best[d]) best[d] = s
  }
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

function addressScore(d: SearchDoc, a: AddressQuery): number {
  if (a.building && d.buildingNo !== a.building) return 0
  if (a.unit && d.unit !== a.unit) return 0
  if (a.room && d.room !== a.room) return 0
  if (a.compound && !d.compound.includes(a.compound) && !d.address.includes(a.compound)) return 0
  // The more parts a query names, the surer the match.
  return SCORES.address + (a.room ? 3 : 0) + (a.unit ? 1 : 0)
}

/** Households matching `query`, best first (ties in the order given to the index); empty for an empty query. */
export function searchHouseholds(index: SearchIndex, query: string, limit = Infinity): SearchHit[] {
  const q = squash(query)
  if (!q) return []
  const best = new Int16Array(index.docs.length)
  const touched: number[] = []
  const bump = (d: number, s: number) => {
    if (best[d] === 0) touched.push(d)
    if (s > best[d]) best[d] = s
  }
  if (/^\d+$/.test(q)) {
    for (const d of index.rooms.get(q) ?? []) bump(d, SCORES.room)
    // A tail of 4 digits or more is likely the number meant; a shorter one, less so.
    const tail = q.length >= 4 ? SCORES.phoneTail : SCORES.shortPhoneTail
    const r = [...q].reverse().join('')
    const t = index.phoneTails
    for (let i = lowerBound(t.keys, r); i < t.keys.length && t.keys[i].startsWith(r); i++) bump(t.docs[i], tail)
  } else if (/^[a-z]+$/.test(q)) {
    scorePrefix(index.full, q, SCORES.pinyinExact, SCORES.pinyinStarts, best, touched)
    scorePrefix(index.initials, q, SCORES.initialsExact, SCORES.initialsStarts, best, touched)
  } else {
    const addr = parseAddressQuery(q)
    if (addr) {
      index.docs.forEach((d, i) => {
        const s = addressScore(d, addr)
        if (s) bump(i, s)
      })
    } else {
      scorePrefix(index.han, q, SCORES.nameExact, SCORES.nameStarts, best, touched)
      // Inside a name (秀英 in 张秀英) or the address: a scan, for Chinese text only.
      findIn(index.hanText, q, (d, penalty) => bump(d, SCORES.nameContains - penalty))
      findIn(index.addressText, q, (d) => bump(d, SCORES.addressContains))
    }
  }
  touched.sort((a, b) => best[b] - best[a] || a - b)
  const n = Math.min(limit, touched.length)
  const hits: SearchHit[] = new Array(n)
  for (let i = 0; i < n; i++) hits[i] = { id: index.docs[touched[i]].id, score: best[touched[i]] }
  return hits
}
