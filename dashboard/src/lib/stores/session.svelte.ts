// Who is signed in. The token lives in sessionStorage: it survives a reload of the wall display
// but not the browser closing, and other tabs do not share it.
import { api } from '../api/http.js'
import type { Role, User } from '../api/types.js'

const KEY = 'vigil.session'
/** CONTRACT.md §3: who may acknowledge an alarm. */
const ACK_ROLES: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator']

export class Session {
  token = $state<string | null>(null)
  user = $state<User | null>(null)
  /** Why the user was sent back to the login page, shown there once. */
  notice = $state<string | null>(null)
  canAck = $derived(this.user !== null && ACK_ROLES.includes(this.user.role))

  constructor(private readonly storage: Storage) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as { token?: unknown; user?: unknown } | null
      if (saved && typeof saved.token === 'string' && saved.user && typeof saved.user === 'object') {
        this.token = saved.token
        this.user = saved.user as User
      }
    } catch {
      storage.removeItem(KEY)
    }
  }

  /** Throws ApiError (401 wrong credentials, 429 too many attempts, 0 network). */
  async login(username: string, password: string): Promise<void> {
    const res = await api.login(username, password)
    this.token = res.token
    this.user = res.user
    this.notice = null
    this.storage.setItem(KEY, JSON.stringify({ token: res.token, user: res.user }))
  }

  logout(notice: string | null = null): void {
    this.token = null
    this.user = null
    this.notice = notice
    this.storage.removeItem(KEY)
  }
}
