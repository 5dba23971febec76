// Generators of hostile input for the fuzz suite: every payload is invalid by construction (it
// carries at least one definite violation), dressed up with what attackers send: wrong types, huge
// numbers, deep nesting, invalid UTF-8, SQL and script strings, prototype keys. Seeded, so a
// failure replays exactly.

export type Rng = () => number

/** mulberry32: small, fast, good enough to spread cases. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
const int = (rng: Rng, max: number): number => Math.floor(rng() * max)

export const HOSTILE_STRINGS = [
  "'; DROP TABLE telemetry; --", "1' OR '1'='1", 'Robert"); DELETE FROM alarms;--', "admin'--",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${process.exit(1)}',
  '../../../../etc/passwd', '\u0000\u0001\u0002', '\u202e\u202d', 'A'.repeat(5000), '%s%s%s%n', '\ud800', '🔥'.repeat(50),
] as const
export const HUGE_NUMBERS_TEXT = ['1e309', '-1e309', '1e308', '-1e308', '9007199254740993', '123456789012345678901234567890', '0.0000000000000000000001', '-0', '1.5', '2e2'] as const
const WRONG_VALUES: readonly unknown[] = [null, true, false, [], {}, [1, 2, 3], { a: { b: { c: 1 } } }, '', ...HOSTILE_STRINGS, -1, 1e300]

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth)
}

/** A malformed MQTT payload for an elevator, fire door or access door; the kind names the violation. */
export function malformedDevicePayload(rng: Rng): { suffix: 'telemetry' | 'event' | 'status'; payload: Buffer; kind: string } {
  const t = (kind: string, text: string | Buffer, suffix: 'telemetry' | 'event' | 'status' = 'telemetry') => ({
    suffix, kind, payload: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
  })
  switch (int(rng, 16)) {
    case 0: return t('unknown-field', JSON.stringify({ floor: 3, [`zz_${int(rng, 1e6)}`]: pick(rng, WRONG_VALUES) }))
    case 1: return t('wrong-type', JSON.stringify({ floor: pick(rng, WRONG_VALUES.filter((v) => typeof v !== 'number')) }))
    case 2: return t('huge-number', `{"floor":${pick(rng, HUGE_NUMBERS_TEXT.filter((n) => !/^-?\d{1,3}$/.test(n) && n !== '-0' && n !== '2e2'))}}`)
    case 3: return t('out-of-range', JSON.stringify({ loadPct: pick(rng, [150.0001, -0.001, 1e9, -1e9]), speed: 1 }))
    case 4: return t('bad-json', pick(rng, ['{floor: 3}', '{"floor":3,}', '{"floor":', '', ' ', 'NaN', '{"a":1}{"b":2}', "{'floor':3}", '\u0000', '{"floor":0x10}']))
    case 5: return t('not-an-object', pick(rng, ['[1,2]', '"str"', '42', 'null', 'true', '[]', '[{"floor":3}]']))
    case 6: {
      const depth = 1 + int(rng, 6000)
      return t('deep-nesting', rng() < 0.5 ? `{"floor":${nested(depth, '[', ']')}}` : nested(depth, '{"a":', '}'))
    }
    case 7: return t('invalid-utf8', Buffer.concat([Buffer.from('{"power":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('"}')]))
    case 8: return t('too-large', JSON.stringify({ safetyCircuit: 'x'.repeat(16_400 + int(rng, 10_000)) }))
    case 9: return t('prototype-pollution', pick(rng, ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"floor":3,"__proto__":{"isAdmin":true}}']))
    case 10: return t('hostile-string-in-enum', JSON.stringify({ power: pick(rng, HOSTILE_STRINGS) }))
    case 11: return t('bad-timestamp', JSON.stringify({ floor: 3, ts: pick(rng, ['yesterday', -1e20, 1e20, '2026-13-45T99:99:99Z', true, HOSTILE_STRINGS[0]]) }))
    case 12: return t('unknown-event', JSON.stringify({ event: pick(rng, ['explode', ...HOSTILE_STRINGS.slice(0, 6), '']) }), 'event')
    case 13: return t('event-without-name', JSON.stringify({ floor: 3 }), 'event')
    case 14: return t('bad-status', JSON.stringify(pick(rng, [{ online: 'yes' }, { online: 1 }, { online: true, extra: 1 }, {}, { online: null }])), 'status')
    default: return t('binary-garbage', Buffer.from(Array.from({ length: 1 + int(rng, 200) }, () => int(rng, 256))))
  }
}

/** A malformed access-door event: raw personal data or wrong credential shapes. */
export function malformedAccessEvent(rng: Rng): { payload: Buffer; kind: string } {
  const cases: Array<[string, unknown]> = [
    ['card-uid', { event: 'granted', credential: { type: 'card', token: 'abcd', cardUid: '04A1B2C3D4E5F6' } }],
    ['face-image', { event: 'granted', credential: { type: 'face', token: 'abcd' }, faceImage: 'data:image/jpeg;base64,/9j/4AAQ' }],
    ['token-wrong-type', { event: 'granted', credential: { type: 'card', token: 12345 } }],
    ['credential-type-unknown', { event: 'granted', credential: { type: pick(rng, HOSTILE_STRINGS), token: 'abcd' } }],
    ['token-too-long', { event: 'denied', credential: { type: 'card', token: 'f'.repeat(129) }, reason: 'expired' }],
    ['reason-not-a-denial', { event: 'denied', credential: { type: 'card', token: 'abcd' }, reason: pick(rng, HOSTILE_STRINGS) }],
  ]
  const [kind, body] = pick(rng, cases)
  return { kind, payload: Buffer.from(JSON.stringify(body)) }
}

/** A malformed JSON body for an HTTP endpoint (as raw bytes); each has a definite violation. */
export function malformedHttpBody(rng: Rng): { body: Buffer; kind: string } {
  const b = (kind: string, text: string | Buffer) => ({ kind, body: typeof text === 'string' ? Buffer.from(text, 'utf8') : text })
  const field = pick(rng, ['id', 'name', 'username', 'password', 'siteId', 'type', 'role', 'title', 'priority', 'minutes', 'reason', 'refreshToken', 'location', 'params', 'enabled'])
  switch (int(rng, 10)) {
    case 0: return b('unknown-field', JSON.stringify({ [field]: pick(rng, HOSTILE_STRINGS), [`zz_${int(rng, 1e6)}`]: 1 }))
    case 1: return b('wrong-root', pick(rng, ['[]', '"x"', '42', 'null', 'true', '[{"id":"a"}]']))
    case 2: return b('huge-number', `{"${field}":${pick(rng, HUGE_NUMBERS_TEXT)},"zz":1}`)
    case 3: return b('deep-nesting', `{"${field}":${nested(1 + int(rng, 100_000), '[', ']')}}`)
    case 4: return b('deep-object', nested(1 + int(rng, 20_000), '{"a":', '}'))
    case 5: return b('invalid-utf8', Buffer.concat([Buffer.from(`{"${field}":"`), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('","zz":1}')]))
    case 6: return b('bad-json', pick(rng, ['{', '{"a":}', "{'a':1}", '{"a":1,}', '\u0000', '{"a":NaN}', '{"a":undefined}']))
    case 7: return b('prototype-pollution', `{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":1}},"zz":1}`)
    case 8: return b('wrong-types', JSON.stringify({ id: pick(rng, WRONG_VALUES), name: 12, siteId: [], type: {}, priority: 'high', minutes: '60', location: 'x', zz: 1 }))
    default: return b('sql-and-script', JSON.stringify({ [field]: pick(rng, HOSTILE_STRINGS), username: "' OR 1=1 --", title: '<script>alert(1)</script>', zz_extra: true }))
  }
}
