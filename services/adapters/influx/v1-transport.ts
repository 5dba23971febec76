// InfluxDB 1.x behind @influxdata/influxdb-client's v2 WriteApi (STACK.md "InfluxDB 1.6.7"): the
// client's own Node transport, with `/api/v2/write?bucket=db/rp` rewritten to `/write?db=&rp=`.
// 1.x does not understand `Authorization: Token u:p`, so v1 credentials go in the query string.
import { InfluxDB, type Transport } from '@influxdata/influxdb-client'

export interface V1Credentials {
  user: string | null
  password: string | null
}

export function v2ToV1Path(path: string, creds: V1Credentials): string {
  const [p, qs = ''] = path.split('?', 2) as [string, string?]
  if (p !== '/api/v2/write') return path
  const q = new URLSearchParams(qs)
  const [db = '', rp] = (q.get('bucket') ?? '').split('/', 2)
  const out = new URLSearchParams({ db })
  if (rp) out.set('rp', rp)
  for (const k of ['precision', 'consistency']) {
    const v = q.get(k)
    if (v) out.set(k, v)
  }
  if (creds.user !== null && creds.password !== null) {
    out.set('u', creds.user)
    out.set('p', creds.password)
  }
  return `/write?${out.toString()}`
}

export function createV1Influx(url: string, creds: V1Credentials, timeoutMs: number): InfluxDB {
  const base = new InfluxDB({ url, timeout: timeoutMs }).transport
  const transport: Transport = {
    send: (p, b, o, cb) => base.send(v2ToV1Path(p, creds), b, o, cb),
    request: (p, b, o, rs) => base.request(v2ToV1Path(p, creds), b, o, rs),
    iterate: (p, b, o) => base.iterate(v2ToV1Path(p, creds), b, o),
    chunkCombiner: base.chunkCombiner,
  }
  return new InfluxDB({ url, transport, timeout: timeoutMs })
}
