// The current deep link (lib/route.ts), kept in step with the address bar's hash.
import { parseRoute, type Route } from '../route.js'

export class HashRoute {
  hash = $state(typeof location === 'undefined' ? '' : location.hash)
  route: Route = $derived(parseRoute(this.hash))

  /** Call from `<svelte:window onhashchange>`. */
  sync(): void {
    this.hash = location.hash
  }

  /** Follows a link; the browser's Back returns to where the user was. */
  go(hash: string): void {
    if (location.hash === hash) return
    location.hash = hash
    this.hash = location.hash
  }

  /** Leaves a detail or plan link for the plain wall, replacing the entry so Back does not reopen it. */
  clear(): void {
    history.replaceState(null, '', location.pathname + location.search)
    this.hash = ''
  }
}
