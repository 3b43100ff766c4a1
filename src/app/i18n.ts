/**
 * vue-i18n setup: 简体中文 is the source locale and the default; English is loaded on demand.
 * Features add their own strings in `src/features/<name>/<name>.messages.ts`, exporting
 * `default { 'zh-CN': {...}, en: {...} }`; they are merged here so no feature edits these files.
 * Each is read one language at a time (`?locale=`, messagesPerLocale in vite.config.ts): the
 * Chinese strings are in the entry, the English ones in English's chunk (src/app/locales/en.ts).
 */
import { createI18n } from 'vue-i18n'
import { Locale as VantLocale } from 'vant'
import zhCN from './locales/zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: AppLocale = 'zh-CN'
const STORAGE_KEY = 'fullgrid.locale'

type Tree = { [key: string]: string | Tree }

const featureMessagesZh = Object.values(
  import.meta.glob<Tree>('../features/*/*.messages.ts', { eager: true, query: { locale: 'zh-CN' }, import: 'default' }),
)

/** Deep merge; a feature may add keys but a clash is reported rather than silently overwritten. */
export function mergeMessages(target: Tree, source: Tree, path = ''): Tree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (typeof value === 'object' && typeof existing === 'object') mergeMessages(existing, value, `${path}${key}.`)
    else {
      if (existing !== undefined && import.meta.env.DEV) console.warn(`[i18n] message ${path}${key} defined twice`)
      target[key] = typeof value === 'object' ? structuredClone(value) : value
    }
  }
  return target
}

function withFeatures(base: Tree, features: readonly Tree[]): Tree {
  const merged = structuredClone(base)
  for (const messages of features) mergeMessages(merged, messages)
  return merged
}

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { [DEFAULT_LOCALE]: withFeatures(zhCN, featureMessagesZh) } as Record<string, Tree>,
})

const loaded = new Set<AppLocale>([DEFAULT_LOCALE])

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

export function currentLocale(): AppLocale {
  const l = i18n.global.locale.value
  return isAppLocale(l) ? l : DEFAULT_LOCALE
}

/** Switch the UI language (and Vant's), remember it on this device and set <html lang>. */
export async function setLocale(locale: AppLocale): Promise<void> {
  if (!loaded.has(locale)) {
    // Only English exists besides the source locale; both load lazily with Vant's strings.
    const [ours, vant] = await Promise.all([import('./locales/en'), import('vant/es/locale/lang/en-US')])
    i18n.global.setLocaleMessage(locale, withFeatures(ours.default, ours.featureMessages))
    VantLocale.add({ 'en-US': vant.default })
    loaded.add(locale)
  }
  VantLocale.use(locale === 'en' ? 'en-US' : 'zh-CN')
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Private mode or storage disabled: the choice lasts for this visit only.
  }
}

/** The language chosen earlier on this device, applied before the first screen is drawn. */
export async function restoreLocale(): Promise<void> {
  let saved: string | null = null
  try {
    saved = localStorage.getItem(STORAGE_KEY)
  } catch {
    saved = null
  }
  await setLocale(isAppLocale(saved) ? saved : DEFAULT_LOCALE)
}
