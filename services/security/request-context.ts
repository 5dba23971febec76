// Who made the current HTTP request and from where, for audit rows written deep inside services
// that know only the actor's name (issue #7: every change by a person with actor, time, address).
// The API enters the context in an onRequest hook; services need no new parameters.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { onRequestHookHandler } from 'fastify'
import type { AuditRepo } from '../core/ports.js'

export interface RequestInfo {
  address: string
}

export interface RequestContext {
  current(): RequestInfo | undefined
  /** A callback-style hook: the rest of the request (hooks, handler) runs inside the context. */
  hook: onRequestHookHandler
}

export function createRequestContext(): RequestContext {
  const als = new AsyncLocalStorage<RequestInfo>()
  return {
    current: () => als.getStore(),
    hook(req, _reply, done) {
      als.run({ address: req.ip }, done)
    },
  }
}

/** An AuditRepo that stamps the request's address on rows appended without one. */
export function withRequestAddress(audit: AuditRepo, ctx: RequestContext): AuditRepo {
  return {
    list: (filter, page) => audit.list(filter, page),
    append: (e) => audit.append(e.address === null ? { ...e, address: ctx.current()?.address ?? null } : e),
  }
}
