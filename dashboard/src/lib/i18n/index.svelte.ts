// Translation for the dashboard (issue #6 item 9): English, Simplified and Traditional Chinese,
// chosen by the user and remembered in localStorage. `t()` reads the reactive locale, so every
// component that calls it re-renders when the user switches language.
//
// The catalogs are listed in catalog.ts (pure, so view modules and unit tests can translate too).
import { LOCALES, setLocaleSource, t, type Locale, type MessageKey } from './catalog.js'

const STORAGE_KEY = 'vigil.locale'
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '简体中文', 'zh-TW': '繁體中文' }

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
setLocaleSource(() => locale.current)

export { LOCALES, t, type Locale, type MessageKey }
