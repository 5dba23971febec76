// The shape every message catalog has: English is the reference, and each Chinese table must give
// exactly the same keys, so a missing translation is a type error, not a blank on the wall.
export const LOCALES = ['en', 'zh-CN', 'zh-TW'] as const
export type Locale = (typeof LOCALES)[number]

export interface Catalog<E extends Record<string, string>> {
  en: E
  'zh-CN': { [K in keyof E]: string }
  'zh-TW': { [K in keyof E]: string }
}

/** One area's messages (e.g. `messages/common.ts`). Keys are namespaced by area: `common.logout`. */
export function defineMessages<const E extends Record<string, string>>(catalog: Catalog<E>): Catalog<E> {
  return catalog
}

/** `{name}` placeholders filled from params; an unknown placeholder is left visible so it is noticed. */
export function interpolate(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}
