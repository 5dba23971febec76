// The InfluxDB variables of CONTRACT.md §1, validated once at start: a token selects the v2 write
// API (2.x/3.x) and needs org and bucket; otherwise 1.x with a database (default `vigil`); a bad
// combination is a one-line error naming the variables.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../services/config.js'

const URL = 'http://127.0.0.1:8086'

describe('InfluxDB configuration', () => {
  it('leaves telemetry in SQLite without VIGIL_INFLUX_URL, with a 1024 MB spool bound', () => {
    const c = loadConfig({})
    expect(c.influx).toBeNull()
    expect(c.spoolMaxBytes).toBe(1024 * 1024 * 1024)
  })

  it.each([
    [{ VIGIL_INFLUX_URL: `${URL}/` }, { version: 1, url: URL, db: 'vigil', rp: 'raw', user: null, password: null }],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_DB: 'bldg', VIGIL_INFLUX_RP: 'r90', VIGIL_INFLUX_USER: 'u', VIGIL_INFLUX_PASSWORD: 'p' },
      { version: 1, url: URL, db: 'bldg', rp: 'r90', user: 'u', password: 'p' }],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_TOKEN: 't', VIGIL_INFLUX_ORG: 'o', VIGIL_INFLUX_BUCKET: 'b' },
      { version: 2, url: URL, token: 't', org: 'o', bucket: 'b' }],
  ])('reads %j', (env, influx) => {
    expect(loadConfig(env).influx).toEqual(influx)
  })

  it.each([
    [{ VIGIL_INFLUX_URL: 'influx:8086' }, /VIGIL_INFLUX_URL must be an http/],
    [{ VIGIL_INFLUX_URL: 'not a url' }, /VIGIL_INFLUX_URL=not a url is not a URL/],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_TOKEN: 't', VIGIL_INFLUX_ORG: 'o' }, /needs VIGIL_INFLUX_ORG and VIGIL_INFLUX_BUCKET/],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_TOKEN: 't', VIGIL_INFLUX_ORG: 'o', VIGIL_INFLUX_BUCKET: 'b', VIGIL_INFLUX_DB: 'd' }, /VIGIL_INFLUX_DB are for InfluxDB 1.x/],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_BUCKET: 'b' }, /VIGIL_INFLUX_BUCKET need VIGIL_INFLUX_TOKEN/],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_USER: 'u' }, /USER and VIGIL_INFLUX_PASSWORD must be set together/],
    [{ VIGIL_INFLUX_URL: URL, VIGIL_INFLUX_DB: 'a"b' }, /VIGIL_INFLUX_DB=a"b must be/],
    [{ VIGIL_INFLUX_DB: 'x' }, /VIGIL_INFLUX_DB set without VIGIL_INFLUX_URL/],
    [{ VIGIL_SPOOL_MAX_MB: '0' }, /VIGIL_SPOOL_MAX_MB=0 must be a number of megabytes above 0/],
    [{ VIGIL_SPOOL_MAX_MB: 'lots' }, /VIGIL_SPOOL_MAX_MB=lots/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('accepts a fractional spool bound (drills and tests fill it quickly)', () => {
    expect(loadConfig({ VIGIL_SPOOL_MAX_MB: '0.5' }).spoolMaxBytes).toBe(512 * 1024)
  })
})
