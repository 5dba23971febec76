import { defineMessages } from '../define.js'

export const common = defineMessages({
  en: {
    'common.language': 'Language',
    'common.theme': 'Theme',
    'common.theme.dark': 'Dark',
    'common.theme.light': 'Light',
  },
  'zh-CN': {
    'common.language': '语言',
    'common.theme': '主题',
    'common.theme.dark': '深色',
    'common.theme.light': '浅色',
  },
  'zh-TW': {
    'common.language': '語言',
    'common.theme': '主題',
    'common.theme.dark': '深色',
    'common.theme.light': '淺色',
  },
})
