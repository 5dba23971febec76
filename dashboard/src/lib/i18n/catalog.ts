// Every message catalog and the lookup, without Svelte: pure modules (device-view.ts,
// alarm-view.ts …) and unit tests translate through `t()` here; the reactive locale in
// index.svelte.ts plugs itself in as the source of the current language, so a component that
// calls them re-renders when the user switches.
//
// To add an area: write `messages/<area>.ts` with defineMessages, and list it in CATALOGS below.
import { LOCALES, interpolate, type Catalog, type Locale } from './define.js'
import { alarms } from './messages/alarms.js'
import { common } from './messages/common.js'
import { deviceDetail } from './messages/device-detail.js'
import { devices } from './messages/devices.js'
import { duty } from './messages/duty.js'
import { errors } from './messages/errors.js'
import { floorPlans } from './messages/floor-plans.js'
import { health } from './messages/health.js'
import { rules } from './messages/rules.js'
import { wall } from './messages/wall.js'

export const CATALOGS = [common, wall, alarms, devices, duty, errors, rules, deviceDetail, floorPlans, health] as const

type KeysOf<C> = C extends Catalog<infer E> ? keyof E & string : never
export type MessageKey = KeysOf<(typeof CATALOGS)[number]>
export type Params = Readonly<Record<string, string | number>>

function merged(locale: Locale): Readonly<Record<string, string>> {
  return Object.assign({}, ...CATALOGS.map((catalog) => catalog[locale])) as Record<string, string>
}
export const TABLES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: merged('en'),
  'zh-CN': merged('zh-CN'),
  'zh-TW': merged('zh-TW'),
}

let source: () => Locale = () => 'en'

/** index.svelte.ts registers its reactive locale here; without it (unit tests) the language is English. */
export function setLocaleSource(read: () => Locale): void {
  source = read
}

export function currentLocale(): Locale {
  return source()
}

export function hasMessage(key: string): key is MessageKey {
  return key in TABLES.en
}

/** The message in a given language, `{placeholders}` filled from params. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return interpolate(TABLES[locale][key] ?? TABLES.en[key] ?? key, params)
}

/** The message for key in the user's language, `{placeholders}` filled from params. */
export function t(key: MessageKey, params?: Params): string {
  return translate(source(), key, params)
}

export { LOCALES, type Locale }
