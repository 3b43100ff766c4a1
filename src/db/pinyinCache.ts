/**
 * The pinyin of the names on this phone, kept between starts so 住户 is searchable as soon as its
 * records are read (issue 13): converting 20,000 names with pinyin-pro is most of building the
 * search index. A cache only — what fails its shape is ignored and rebuilt, never trusted.
 */
import type { Pinyin } from '../domain/householdSearch'
import type { FullGridDb } from './schema'

const KEY = 'pinyinCache'
/** Names beyond this are not kept (a street office has ~20,000 households, most names repeat). */
const MAX_NAMES = 100_000

type Row = [name: string, full: string, initials: string]
const isRow = (r: unknown): r is Row => Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === 'string')

export async function loadPinyinCache(db: FullGridDb, into: Map<string, Pinyin>): Promise<void> {
  const value = (await db.meta.get(KEY))?.value
  if (!Array.isArray(value)) return
  for (const r of value) if (isRow(r) && !into.has(r[0])) into.set(r[0], { full: r[1], initials: r[2] })
}

export async function savePinyinCache(db: FullGridDb, cache: ReadonlyMap<string, Pinyin>): Promise<void> {
  const rows: Row[] = []
  for (const [name, p] of cache) {
    if (rows.length >= MAX_NAMES) break
    rows.push([name, p.full, p.initials])
  }
  await db.meta.put({ key: KEY, value: rows })
}
