// Translation for the dashboard (issue #6 item 9): English, Simplified and Traditional Chinese,
// chosen by the user and remembered in localStorage. `t()` reads the reactive locale, so every
// component that calls it re-renders when the user switches language.
//
// To add an area: write `messages/<area>.ts` with defineMessages, and list it in CATALOGS below.
import { LOCALES, interpolate, type Catalog, type Locale } from './define.js'
import { common } from './messages/common.js'
import { deviceDetail } from './messages/device-detail.js'
import { floorPlans } from './messages/floor-plans.js'

const CATALOGS = [common, deviceDetail, floorPlans] as const

type KeysOf<C> = C extends Catalog<infer E> ? keyof E & string : never
export type MessageKey = KeysOf<(typeof CATALOGS)[number]>

const STORAGE_KEY = 'vigil.locale'
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '简体中文', 'zh-TW': '繁體中文' }

function merged(locale: Locale): Readonly<Record<string, string>> {
  return Object.assign({}, ...CATALOGS.map((catalog) => catalog[locale])) as Record<string, string>
}
const TABLES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: merged('en'),
  'zh-CN': merged('zh-CN'),
  'zh-TW': merged('zh-TW'),
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The browser's preference when the user has not chosen: zh-TW for Hong Kong/Taiwan/Macau, zh-CN for other Chinese. */
export function preferredLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase()
    if (/^zh-(tw|hk|mo|hant)/.test(lower)) return 'zh-TW'
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}

class LocaleState {
  current = $state<Locale>('en')

  constructor() {
    const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY)
    this.current = isLocale(saved) ? saved : preferredLocale(typeof navigator === 'undefined' ? [] : navigator.languages)
    if (typeof document !== 'undefined') document.documentElement.lang = this.current
  }

  set(next: Locale): void {
    this.current = next
    if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next)
    if (typeof document !== 'undefined') document.documentElement.lang = next
  }
}

export const locale = new LocaleState()

/** The message for key in the user's language, `{placeholders}` filled from params. */
export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return interpolate(TABLES[locale.current][key] ?? TABLES.en[key] ?? key, params)
}

export { LOCALES, type Locale }
