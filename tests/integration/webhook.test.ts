// The webhook notifier (issue #4 item 5) against a real local HTTP server: signed JSON body,
// retries with backoff on the manual clock, every attempt recorded.
import { createServer, type Server } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { createManualClock } from '../../services/adapters/clock.js'
import { createWebhookNotifier, signWebhook } from '../../services/adapters/notifiers/webhook.notifier.js'
import { openSqlRepos } from '../../services/adapters/sql/sql-repos.js'
import type { Repos } from '../../services/core/ports.js'
import type { Notification } from '../../services/core/work-orders/duty.js'
import { waitFor } from '../helpers/devices.js'
import { dropTestDatabase, testDatabaseFor } from '../helpers/test-database.js'

const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
let failNext = 0
let server: Server
let url: string
let repos: Repos
let dataDir: string
const clock = createManualClock(Date.UTC(2026, 10, 26, 8))

const note = (id: string): Notification => ({
  id, to: 'sup', kind: 'escalation', subject: 'PU-01 escalated', at: new Date(clock.now()).toISOString(), createdAt: new Date(clock.now()).toISOString(),
  workOrderId: 'wo-1', siteId: 'S1', priority: 2, level: 1, sentCount: 1, ackedAt: null, ackedBy: null,
})

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString('utf8') })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      if (failNext > 0) { failNext--; res.statusCode = 503 } else res.statusCode = 204
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const addr = server.address()
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-webhook-'))
  repos = await openSqlRepos({ ...(await testDatabaseFor(dataDir)).target, clock })
})
afterAll(async () => {
  await repos?.close()
  await dropTestDatabase(dataDir)
  await new Promise<void>((r) => server.close(() => r()))
})

describe('webhook notifier', () => {
  it('POSTs the notification as JSON with a timestamp and an HMAC-SHA-256 signature of timestamp.body', async () => {
    const hook = createWebhookNotifier({ options: { url, secret: 's3cret' }, clock, deliveries: repos.webhookDeliveries, logger: pino({ level: 'silent' }) })
    await hook.send(note('n-1'))
    const got = received.at(-1)!
    expect(JSON.parse(got.body)).toMatchObject({ id: 'n-1', to: 'sup', kind: 'escalation' })
    const ts = String(got.headers['x-vigil-timestamp'])
    expect(ts).toBe(String(clock.now()))
    expect(got.headers['x-vigil-signature']).toBe(signWebhook('s3cret', ts, got.body))
    expect(got.headers['x-vigil-signature']).not.toBe(signWebhook('other', ts, got.body))
    expect(await repos.webhookDeliveries.list('n-1')).toEqual([{ notificationId: 'n-1', attempt: 1, at: expect.any(String), status: 204, ok: true, error: null }])
  })

  it('retries a failing gateway with doubling backoff on the clock and records every attempt', async () => {
    const hook = createWebhookNotifier({ options: { url, secret: 's3cret', backoffMs: 1000, maxAttempts: 4 }, clock, deliveries: repos.webhookDeliveries, logger: pino({ level: 'silent' }) })
    failNext = 2
    const before = received.length
    await hook.send(note('n-2'))
    expect(received.length - before).toBe(1)
    await clock.advance(999)
    expect(received.length - before).toBe(1)
    await clock.advance(1)
    await waitFor('second attempt', async () => (await repos.webhookDeliveries.list('n-2')).length === 2)
    await clock.advance(2000)
    await waitFor('third attempt', async () => (await repos.webhookDeliveries.list('n-2')).length === 3)
    await hook.idle()
    const attempts = await repos.webhookDeliveries.list('n-2')
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([[1, 503, false], [2, 503, false], [3, 204, true]])
    await clock.advance(10_000)
    expect(await repos.webhookDeliveries.list('n-2')).toHaveLength(3)
  })

  it('records an unreachable gateway as an attempt without a status', async () => {
    const hook = createWebhookNotifier({ options: { url: 'http://127.0.0.1:1/none', secret: 'x', maxAttempts: 1 }, clock, deliveries: repos.webhookDeliveries, logger: pino({ level: 'silent' }) })
    await hook.send(note('n-3'))
    expect(await repos.webhookDeliveries.list('n-3')).toMatchObject([{ attempt: 1, status: null, ok: false, error: expect.any(String) }])
  })
})
