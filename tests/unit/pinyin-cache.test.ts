import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb } from '@/db'
import { loadPinyinCache, savePinyinCache } from '@/db/pinyinCache'
import { namePinyin, type Pinyin } from '@/domain/householdSearch'

let db: FullGridDb
let n = 0
beforeEach(async () => {
  db = new FullGridDb(`pinyin-${n++}`)
  await db.open()
})
afterEach(async () => {
  db.close()
  await db.delete()
})

describe('pinyin cache', () => {
  it('keeps the pinyin of names between starts', async () => {
    const names = ['张伟', '曾国藩', '王秀英']
    await savePinyinCache(db, new Map(names.map((name) => [name, namePinyin(name)])))
    const back = new Map<string, Pinyin>()
    await loadPinyinCache(db, back)
    expect(back.get('曾国藩')).toEqual({ full: 'zengguofan', initials: 'zgf' })
    expect([...back.keys()].sort()).toEqual([...names].sort())
  })

  it('ignores what is not its shape instead of trusting it', async () => {
    await db.meta.put({ key: 'pinyinCache', value: [['张伟', 'zhangwei', 'zw'], ['坏', 3, 'x'], 'junk'] })
    const back = new Map<string, Pinyin>()
    await loadPinyinCache(db, back)
    expect([...back]).toEqual([['张伟', { full: 'zhangwei', initials: 'zw' }]])
    await db.meta.put({ key: 'pinyinCache', value: { not: 'rows' } })
    const none = new Map<string, Pinyin>()
    await loadPinyinCache(db, none)
    expect(none.size).toBe(0)
  })
})
