// The dashboard's translations (issue #6 item 9): every catalog complete in English, 简体中文 and
// 繁體中文, nothing left empty or in English by mistake, placeholders kept, each Chinese script
// kept apart; times, errors and the keyboard mapping in the user's language.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../dashboard/src/lib/api/http.js'
import { alarmActions, alarmTitle, formatSpan } from '../../dashboard/src/lib/alarm-view.js'
import type { Alarm } from '../../dashboard/src/lib/api/types.js'
import { tileBody } from '../../dashboard/src/lib/device-view.js'
import { CATALOGS, LOCALES, setLocaleSource, t, TABLES, type Locale } from '../../dashboard/src/lib/i18n/catalog.js'
import { errorText } from '../../dashboard/src/lib/i18n/errors.js'
import { axisTime, tickDecimals } from '../../dashboard/src/lib/i18n/format.js'
import { ERRORS } from '../../services/core/errors.js'
import { moveSelection, shortcutFor, type KeyPress } from '../../dashboard/src/lib/shortcuts.js'
import { nextDue } from '../../dashboard/src/lib/work-order-view.js'

const CJK = /[\u3400-\u9fff]/
/** Codes, ids and units ("P{p}", "MPa", "{floor}F") need no translation: no run of lowercase words outside the placeholders. */
const isCode = (s: string) => !/[a-z]{3,}/.test(s.replace(/\{\w+\}/g, ''))
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
/** Characters that exist only in one script: a Simplified one in zh-TW (or the reverse) is a copy-paste slip. */
const SIMPLIFIED_ONLY = '们这设备报门电楼确认单项态时间务维录开关检测场队据压启动灯线调试试区闭锁将应对级级处发现网络连给'
const TRADITIONAL_ONLY = '們這設備報門電樓確認單項態時間務維錄開關檢測場隊據壓啟動燈線調試區閉鎖將應對級處發現網絡連給'

const use = (l: Locale) => setLocaleSource(() => l)
afterEach(() => use('en'))

describe('message catalogs', () => {
  const keys = Object.keys(TABLES.en)

  it('has keys in every area and no key defined twice across areas', () => {
    expect(keys.length).toBeGreaterThan(300)
    const seen = new Map<string, number>()
    for (const c of CATALOGS) for (const k of Object.keys(c.en)) seen.set(k, (seen.get(k) ?? 0) + 1)
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([])
  })

  it.each(LOCALES)('%s has every key, none empty', (locale) => {
    for (const c of CATALOGS) expect(Object.keys(c[locale]).sort()).toEqual(Object.keys(c.en).sort())
    expect(keys.filter((k) => !TABLES[locale][k]?.trim())).toEqual([])
  })

  it.each(['zh-CN', 'zh-TW'] as const)('%s translates every message (Chinese text, not the English left in)', (locale) => {
    const untranslated = keys.filter((k) => {
      const zh = TABLES[locale][k] ?? ''
      return isCode(zh) ? false : !CJK.test(zh) || zh === TABLES.en[k]
    })
    expect(untranslated).toEqual([])
  })

  it.each(['zh-CN', 'zh-TW'] as const)('%s keeps the placeholders of the English message', (locale) => {
    expect(keys.filter((k) => placeholders(TABLES[locale][k] ?? '').join() !== placeholders(TABLES.en[k] ?? '').join())).toEqual([])
  })

  it('keeps Simplified and Traditional apart', () => {
    const mixed = (locale: Locale, chars: string) => keys.filter((k) => [...(TABLES[locale][k] ?? '')].some((ch) => chars.includes(ch)))
    expect(mixed('zh-TW', SIMPLIFIED_ONLY)).toEqual([])
    expect(mixed('zh-CN', TRADITIONAL_ONLY)).toEqual([])
  })

  it('has a message for every API error code', () => {
    expect(Object.keys(ERRORS).filter((code) => !(`error.${code}` in TABLES.en))).toEqual([])
  })
})

describe('translating', () => {
  it.each([
    ['en', 'Wall', '2 h 05 min', 'accept in 4 min'],
    ['zh-CN', '困人', '2 小时 05 分', '接单剩余 4 分钟'],
    ['zh-TW', '受困', '2 小時 05 分', '接單剩餘 4 分鐘'],
  ] as const)('%s: alarm titles, spans and SLA clocks', (locale, trapped, span, sla) => {
    use(locale)
    expect(formatSpan((2 * 60 + 5) * 60_000)).toBe(span)
    const title = alarmTitle({ ruleId: 'EL-01', title: 'Passenger trapped between floors' })
    expect(locale === 'en' ? title : title.includes(trapped)).toBe(locale === 'en' ? 'Passenger trapped between floors' : true)
    const wo = { status: 'assigned' as const, dueAcceptBy: new Date(Date.parse('2026-01-01T00:04:00Z')).toISOString(), dueArriveBy: null, dueResolveBy: null }
    expect(nextDue(wo, Date.parse('2026-01-01T00:00:00Z'))?.text).toBe(sla)
  })

  it('keeps the server title of a rule the catalog does not know, and for English', () => {
    use('zh-CN')
    expect(alarmTitle({ ruleId: 'CUSTOM-9', title: 'Chiller plant fault' })).toBe('Chiller plant fault')
  })

  it('says why an action is refused in the user language', () => {
    use('zh-TW')
    const p1 = { id: 'a', priority: 1, state: 'unacked', acked: false, active: true } as Alarm
    expect(alarmActions(p1, 'operator').shelve.reason).toContain('不得擱置')
    expect(alarmActions(p1, 'viewer').ack.reason).toBe('唯讀使用者只能檢視警報。')
  })

  it('translates tile bodies', () => {
    use('zh-CN')
    const device = { id: 'fd', siteId: 's', type: 'fire-door', name: 'fd', location: { building: 'A', floor: 1, zone: 'Z2' } } as const
    expect(tileBody(device as never, { deviceId: 'fd', type: 'fire-door', online: true, stale: false, state: { doorType: 'NC', position: 'open' } } as never)).toMatchObject({ primary: '开启', emphasis: '未关', lines: ['NC · Z2 防火分区', ''] })
  })

  it.each([
    ['en', new ApiError(409, 'HANDOVER_P1_UNACKED', 'P1 alarm EL-01 on EL-A-1 is unacknowledged'), 'P1 alarm EL-01 on EL-A-1 is unacknowledged'],
    ['zh-CN', new ApiError(409, 'HANDOVER_P1_UNACKED', 'P1 alarm EL-01 on EL-A-1 is unacknowledged'), '无法交班：仍有未确认的 P1 告警。'],
    ['zh-TW', new ApiError(0, 'NETWORK', 'Cannot reach Vigil.'), '無法連線 Vigil，請檢查網路。'],
    ['zh-CN', new ApiError(502, 'HTTP_502', 'GET /x failed (502)'), 'Vigil 返回 HTTP 502 错误。'],
    ['zh-CN', new ApiError(418, 'SOMETHING_NEW', 'the server says why'), 'the server says why'],
    ['zh-CN', new Error('plain failure'), 'plain failure'],
  ] as const)('%s: error %#', (locale, err, text) => {
    use(locale)
    expect(errorText(err)).toBe(text)
  })

  it('fills placeholders and leaves an unknown one visible', () => {
    use('zh-CN')
    expect(t('alarms.unacked', { n: 3 })).toBe('3 条未确认')
    expect(t('alarms.unacked')).toBe('{n} 条未确认')
  })
})

describe('wall keyboard shortcuts', () => {
  const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...extra })

  it.each([
    ['j', { kind: 'select', delta: 1 }],
    ['ArrowDown', { kind: 'select', delta: 1 }],
    ['k', { kind: 'select', delta: -1 }],
    ['ArrowUp', { kind: 'select', delta: -1 }],
    ['a', { kind: 'ack' }],
    ['Enter', { kind: 'open' }],
    ['l', { kind: 'locate' }],
    ['1', { kind: 'pane', pane: 'overview' }],
    ['2', { kind: 'pane', pane: 'elevators' }],
    ['6', { kind: 'pane', pane: 'floor-plans' }],
    ['8', { kind: 'pane', pane: 'handover' }],
    ['?', { kind: 'help' }],
    ['Escape', { kind: 'escape' }],
    ['9', null],
    ['z', null],
  ] as const)('%s', (key, command) => {
    expect(shortcutFor(press(key), false).command).toEqual(command)
  })

  it.each([
    ['p', { kind: 'pane', pane: 'pumps' }],
    ['m', { kind: 'pane', pane: 'floor-plans' }],
    ['f', { kind: 'pane', pane: 'fire-doors' }],
    ['d', { kind: 'pane', pane: 'access-doors' }],
    ['w', { kind: 'pane', pane: 'work-orders' }],
    ['s', { kind: 'tab', tab: 'shelved' }],
    ['x', { kind: 'tab', tab: 'out-of-service' }],
    ['q', null],
  ] as const)('g then %s', (key, command) => {
    const first = shortcutFor(press('g'), false)
    expect(first).toEqual({ command: null, awaitingGo: true })
    expect(shortcutFor(press(key), first.awaitingGo)).toEqual({ command, awaitingGo: false })
  })

  it('does not fire while typing in a field or with a modifier held, except Escape', () => {
    expect(shortcutFor(press('a', { inField: true }), false).command).toBeNull()
    expect(shortcutFor(press('j', { inField: true }), true).command).toBeNull()
    expect(shortcutFor(press('Escape', { inField: true }), false).command).toEqual({ kind: 'escape' })
    expect(shortcutFor(press('a', { ctrlKey: true }), false).command).toBeNull()
    expect(shortcutFor(press('1', { metaKey: true }), false).command).toBeNull()
  })

  it.each([
    [[], null, 1, null],
    [['a', 'b', 'c'], null, 1, 'a'],
    [['a', 'b', 'c'], null, -1, 'c'],
    [['a', 'b', 'c'], 'a', 1, 'b'],
    [['a', 'b', 'c'], 'c', 1, 'c'],
    [['a', 'b', 'c'], 'a', -1, 'a'],
    [['a', 'b', 'c'], 'gone', 1, 'a'],
  ] as const)('moves the selection in %j from %s by %i to %s', (keys, from, delta, to) => {
    expect(moveSelection(keys, from, delta)).toBe(to)
  })
})

describe('chart ticks', () => {
  // Local times, so the expectations hold in any TZ the tests run in.
  const at = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime()

  it('labels a time tick on one short 24-hour line, and a day step or midnight with the date', () => {
    expect(axisTime(at(15, 5), 5 * 60_000)).toBe('15:05')
    expect(axisTime(at(9, 0), 3600_000)).toBe('09:00')
    expect(axisTime(at(0, 0, 27), 3600_000)).toBe('Nov 27')
    expect(axisTime(at(12, 0), 86_400_000)).toBe('Nov 26')
    use('zh-CN')
    expect(axisTime(at(0, 0, 27), 3600_000)).toBe('11月27日')
    expect(axisTime(at(15, 5), 60_000)).toBe('15:05')
    expect(axisTime(at(15, 5) + 30_000, 10_000)).toBe('15:05:30')
  })

  it('gives value ticks enough decimals to tell them apart', () => {
    expect([0.005, 0.05, 0.2, 0.5, 1, 5, 50].map(tickDecimals)).toEqual([3, 2, 1, 1, 0, 0, 0])
    expect(tickDecimals(0.0001)).toBe(4)
    expect(tickDecimals(0)).toBe(2)
  })
})
