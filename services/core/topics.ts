// The one module that builds and parses MQTT topics (CONTRACT.md §2).
import { ID_REGEX, isDeviceType, type DeviceType } from './device-types.js'

export const MESSAGE_KINDS = ['telemetry', 'event', 'status'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]
export type TopicSuffix = MessageKind | 'cmd'

export interface ParsedTopic {
  siteId: string
  type: DeviceType
  deviceId: string
  suffix: TopicSuffix
}

export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/')
  if (parts.length !== 5 || parts[0] !== 'bldg') return null
  const [, siteId, type, deviceId, suffix] = parts as [string, string, string, string, string]
  if (!ID_REGEX.test(siteId) || !ID_REGEX.test(deviceId) || !isDeviceType(type)) return null
  if (suffix !== 'telemetry' && suffix !== 'event' && suffix !== 'status' && suffix !== 'cmd') return null
  return { siteId, type, deviceId, suffix }
}

export const deviceTopic = (d: { siteId: string; type: DeviceType; id: string }, suffix: TopicSuffix): string =>
  `bldg/${d.siteId}/${d.type}/${d.id}/${suffix}`
