// @vitest-environment happy-dom
/**
 * Issue 20: the app reads each feature's strings one language at a time (`?locale=`,
 * messagesPerLocale in vite.config.ts), so English stays out of the entry chunk. Each such
 * module must be exactly that language's half of the file, and English must still switch on.
 */
import { describe, expect, it } from 'vitest'
import { currentLocale, i18n, setLocale } from '@/app/i18n'

type Tree = { [key: string]: string | Tree }
const strip = (path: string) => path.replace(/\?.*$/, '')
const byPath = (m: Record<string, Tree>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [strip(k), v]))

const whole = import.meta.glob<Record<string, Tree>>('../../src/features/*/*.messages.ts', { eager: true, import: 'default' })
const zh = byPath(import.meta.glob<Tree>('../../src/features/*/*.messages.ts', { eager: true, query: { locale: 'zh-CN' }, import: 'default' }))
const en = byPath(import.meta.glob<Tree>('../../src/features/*/*.messages.ts', { eager: true, query: { locale: 'en' }, import: 'default' }))

describe('feature messages per locale', () => {
  it('gives each language its own half of every feature file', () => {
    const files = Object.keys(whole)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      expect(zh[file], file).toEqual(whole[file]['zh-CN'])
      expect(en[file], file).toEqual(whole[file].en ?? {})
      expect(zh[file], file).not.toEqual(en[file])
    }
  })

  it('switches the app to English and back with the features’ strings', async () => {
    const t = i18n.global.t
    expect(t('lock.unlock.title')).toBe('输入PIN码')
    await setLocale('en')
    expect(currentLocale()).toBe('en')
    expect(t('lock.unlock.title')).not.toBe('输入PIN码')
    expect(i18n.global.te('lock.unlock.title', 'en')).toBe(true)
    await setLocale('zh-CN')
    expect(t('lock.unlock.title')).toBe('输入PIN码')
  })
})
