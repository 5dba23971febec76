// Issue #7 TLS: with VIGIL_TLS_CERT / VIGIL_TLS_KEY set, the HTTP port speaks HTTPS and devices
// connect with mqtts:// on VIGIL_MQTTS_PORT (a self-signed certificate generated here).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { waitFor } from '../helpers/devices.js'

let dir: string
let ca: string
let v: TestVigil

function call(method: string, url: string, body?: unknown, token?: string, opts: https.RequestOptions = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca, ...opts,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-tls-'))
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' })
  ca = readFileSync(path.join(dir, 'cert.pem'), 'utf8')
  v = await startTestVigil({ env: { VIGIL_TLS_CERT: path.join(dir, 'cert.pem'), VIGIL_TLS_KEY: path.join(dir, 'key.pem'), VIGIL_MQTTS_PORT: '0' } })
}, 30_000)
afterAll(async () => {
  await v?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('TLS', () => {
  it('serves the API over HTTPS on the HTTP port', async () => {
    expect(v.http).toMatch(/^https:\/\//)
    expect((await call('GET', `${v.http}/healthz`)).status).toBe(200)
    const login = await call('POST', `${v.http}/api/v1/auth/login`, { username: 'admin', password: v.adminPassword })
    expect(login.status).toBe(200)
  })

  it('refuses a client that does not trust the certificate (no silent downgrade)', async () => {
    await expect(call('GET', `${v.http}/healthz`, undefined, undefined, { ca: undefined as unknown as string })).rejects.toThrow(/self[- ]signed|certificate/i)
  })

  it('takes a device over mqtts:// and stores what it sends', async () => {
    const mqtts = v.vigil.urls.mqtts
    expect(mqtts).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/)
    const admin = (await call('POST', `${v.http}/api/v1/auth/login`, { username: 'admin', password: v.adminPassword })).json.token
    expect((await call('POST', `${v.http}/api/v1/sites`, { id: 'tls1', name: 'TLS site' }, admin)).status).toBe(201)
    const reg = await call('POST', `${v.http}/api/v1/devices`, { id: 'tls-door', siteId: 'tls1', type: 'fire-door', name: 'TLS door', location: { building: 'B', floor: 1 } }, admin)
    expect(reg.status).toBe(201)
    const client = await mqtt.connectAsync(mqtts!, { username: 'tls-door', password: reg.json.secret, ca, reconnectPeriod: 0, connectTimeout: 5000 })
    await client.publishAsync('bldg/tls1/fire-door/tls-door/telemetry', JSON.stringify({ position: 'open' }), { qos: 1 })
    await client.endAsync()
    const dev = await waitFor('state over TLS', async () => {
      const r = await call('GET', `${v.http}/api/v1/devices/tls-door`, undefined, admin)
      return r.json?.state?.position === 'open' ? r.json : null
    })
    expect(dev.state.position).toBe('open')
    // The wrong secret is refused over TLS exactly as over TCP.
    await expect(mqtt.connectAsync(mqtts!, { username: 'tls-door', password: 'wrong', ca, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow()
  })
})
