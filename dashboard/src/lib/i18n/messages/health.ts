import { defineMessages } from '../define.js'

// The degraded banner (GET /readyz): what a dependency being down means for the operator.
export const health = defineMessages({
  en: {
    'health.degraded': 'Degraded',
    'health.for': 'for {span}',
    'health.database.title': 'Database unreachable',
    'health.database.effect': 'live device data continues; alarms raised meanwhile appear when it is back; sign-in and lists may fail',
    'health.telemetry.title': 'Telemetry store unreachable',
    'health.telemetry.effect': 'live state and alarms continue; readings are kept on disk and written when it is back',
    'health.broker.title': 'Device listener down',
    'health.broker.effect': 'devices cannot connect; their tiles turn offline',
    'health.other.title': '{name} unavailable',
    'health.other.effect': 'some functions may be delayed',
  },
  'zh-CN': {
    'health.degraded': '降级运行',
    'health.for': '已持续 {span}',
    'health.database.title': '数据库无法连接',
    'health.database.effect': '设备实时数据照常；期间产生的告警恢复后显示；登录和列表可能失败',
    'health.telemetry.title': '遥测存储无法连接',
    'health.telemetry.effect': '实时状态和告警照常；读数暂存本机磁盘，恢复后写入',
    'health.broker.title': '设备接入服务停止',
    'health.broker.effect': '设备无法连接，其图块将显示离线',
    'health.other.title': '{name} 不可用',
    'health.other.effect': '部分功能可能延迟',
  },
  'zh-TW': {
    'health.degraded': '降級運行',
    'health.for': '已持續 {span}',
    'health.database.title': '資料庫無法連線',
    'health.database.effect': '設備即時資料照常；期間產生的警報恢復後顯示；登入和清單可能失敗',
    'health.telemetry.title': '遙測儲存無法連線',
    'health.telemetry.effect': '即時狀態和警報照常；讀數暫存本機磁碟，恢復後寫入',
    'health.broker.title': '設備接入服務停止',
    'health.broker.effect': '設備無法連線，其圖塊將顯示離線',
    'health.other.title': '{name} 無法使用',
    'health.other.effect': '部分功能可能延遲',
  },
})
