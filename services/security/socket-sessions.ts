// socket.io checks the token at the handshake only; this ends live connections whose token was
// revoked by logout (at once) or has expired (within SWEEP_MS), so a logged-out or lapsed session
// stops receiving alarms and access events. A screen that is still signed in reconnects with its
// refreshed token (the dashboard reads it on every reconnection).
import type { Server } from 'socket.io'
import type { TokenRevocations } from './token-revocations.js'

export const SWEEP_MS = 30_000

interface Claims {
  jti?: string
  exp?: number
}

export interface SocketSessionGuard {
  /** Disconnects every socket that authenticated with this jti. */
  revoked(jti: string): void
  sweep(): void
  stop(): void
}

export function createSocketSessionGuard(deps: {
  io: Pick<Server, 'sockets'>
  decode: (token: string) => Claims | null
  revocations: TokenRevocations
  now?: () => number
}): SocketSessionGuard {
  const now = deps.now ?? Date.now
  const claimsOf = (auth: unknown): Claims | null => {
    const token = (auth as { token?: unknown } | undefined)?.token
    return typeof token === 'string' ? deps.decode(token) : null
  }
  const endWhere = (test: (c: Claims) => boolean): void => {
    for (const socket of deps.io.sockets.sockets.values()) {
      const c = claimsOf(socket.handshake.auth)
      if (c !== null && test(c)) socket.disconnect(true)
    }
  }
  const timer = setInterval(() => guard.sweep(), SWEEP_MS)
  timer.unref()
  const guard: SocketSessionGuard = {
    revoked: (jti) => endWhere((c) => c.jti === jti),
    sweep: () => endWhere((c) => (c.exp !== undefined && c.exp * 1000 <= now()) || deps.revocations.isRevoked(c.jti)),
    stop: () => clearInterval(timer),
  }
  return guard
}
