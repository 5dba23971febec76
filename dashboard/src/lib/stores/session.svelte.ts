// Who is signed in. The tokens live in sessionStorage: they survive a reload of the wall display
// but not the browser closing, and other tabs do not share them. The access token lives 15 min
// (issue #7); the session exchanges its refresh token for a new pair a minute before that, so a
// wall display stays signed in for as long as it runs.
import { api, ApiError } from '../api/http.js'
import type { Role, User } from '../api/types.js'
import { t } from '../i18n/catalog.js'

const KEY = 'vigil.session'
/** CONTRACT.md §3: who may acknowledge an alarm. */
const ACK_ROLES: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator']
/** Refresh this long before the access token expires (clock skew, a slow network). */
const REFRESH_AHEAD_MS = 60_000
/** Retry a refresh that failed for a network reason this soon. */
const RETRY_MS = 10_000

interface Saved {
  token: string
  user: User
  refreshToken?: string
  expiresAt?: string
}

export class Session {
  token = $state<string | null>(null)
  user = $state<User | null>(null)
  /** Why the user was sent back to the login page, shown there once. */
  notice = $state<string | null>(null)
  canAck = $derived(this.user !== null && ACK_ROLES.includes(this.user.role))

  #refreshToken: string | null = null
  #expiresAt = 0
  #timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly storage: Storage) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<Saved> | null
      if (saved && typeof saved.token === 'string' && saved.user && typeof saved.user === 'object') {
        this.token = saved.token
        this.user = saved.user as User
        this.#refreshToken = typeof saved.refreshToken === 'string' ? saved.refreshToken : null
        this.#expiresAt = typeof saved.expiresAt === 'string' ? Date.parse(saved.expiresAt) || 0 : 0
        this.#schedule()
      }
    } catch {
      storage.removeItem(KEY)
    }
  }

  /** Throws ApiError (401 wrong credentials, 429 too many attempts, 0 network). */
  async login(username: string, password: string): Promise<void> {
    this.#store(await api.login(username, password))
    this.notice = null
  }

  logout(notice: string | null = null): void {
    const [token, refreshToken] = [this.token, this.#refreshToken]
    // Best effort: revokes both tokens on the server; signing out locally never waits for it.
    if (token) void api.logout(token, refreshToken).catch(() => undefined)
    this.#clearTimer()
    this.token = null
    this.user = null
    this.#refreshToken = null
    this.#expiresAt = 0
    this.notice = notice
    this.storage.removeItem(KEY)
  }

  /** Exchanges the refresh token for a new pair; a refused one ends the session. */
  async refresh(): Promise<void> {
    const refreshToken = this.#refreshToken
    if (!refreshToken) return
    try {
      this.#store(await api.refresh(refreshToken))
    } catch (err) {
      if (this.#refreshToken !== refreshToken) return
      if (err instanceof ApiError && err.status === 401) {
        this.logout(t('session.ended'))
        return
      }
      this.#clearTimer()
      this.#timer = setTimeout(() => void this.refresh(), RETRY_MS)
    }
  }

  #store(res: { token: string; user: User; refreshToken?: string; expiresAt?: string }): void {
    this.token = res.token
    this.user = res.user
    this.#refreshToken = res.refreshToken ?? null
    this.#expiresAt = res.expiresAt ? Date.parse(res.expiresAt) || 0 : 0
    const saved: Saved = { token: res.token, user: res.user, ...(res.refreshToken ? { refreshToken: res.refreshToken, expiresAt: res.expiresAt } : {}) }
    this.storage.setItem(KEY, JSON.stringify(saved))
    this.#schedule()
  }

  #schedule(): void {
    this.#clearTimer()
    if (!this.#refreshToken || this.#expiresAt === 0) return
    const delay = Math.max(0, this.#expiresAt - Date.now() - REFRESH_AHEAD_MS)
    this.#timer = setTimeout(() => void this.refresh(), delay)
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}
