/**
 * The order people expect for names with numbers in them: 5号楼 before 15号楼, 2单元 before
 * 10单元, and Chinese words in pinyin order (Intl.Collator, zh-CN, numeric). One collator for the
 * whole app: building it is the expensive part, comparing is cheap.
 */
const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' })

/** Negative, zero or positive, like `Array.prototype.sort` wants. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b)
}

/** A sorted copy of `items` by the text `key` gives each. */
export function naturalSort<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((x, y) => collator.compare(x.k, y.k))
    .map((x) => x.item)
}
