// Dark or light, chosen by the user and remembered in localStorage (issue #6 item 9). Dark is
// the wall's default (a control room is dim, and an ISA-101 dark picture lets alarms stand out);
// the engineer's phone defaults to light, which reads better outdoors. The choice is applied as
// `data-theme` on <html>, where app.css switches its custom properties.
export type ThemeName = 'dark' | 'light'
export const THEMES: readonly ThemeName[] = ['dark', 'light']

const STORAGE_KEY = 'vigil.theme'

export const isTheme = (value: unknown): value is ThemeName => value === 'dark' || value === 'light'

class ThemeState {
  /** What the user chose, or null for the view's default. */
  chosen = $state<ThemeName | null>(null)
  /** The view's default when the user has not chosen. */
  fallback = $state<ThemeName>('dark')
  current = $derived<ThemeName>(this.chosen ?? this.fallback)

  constructor() {
    const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY)
    this.chosen = isTheme(saved) ? saved : null
  }

  set(next: ThemeName): void {
    this.chosen = next
    if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next)
    this.apply()
  }

  /** Applies the current theme to the page; call from an effect so it follows changes. */
  apply(): void {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = this.current
  }
}

export const theme = new ThemeState()
