// An error as the user reads it (issue #6 item 9, "every action's error shown in words"): the
// API's error code mapped to a sentence in the user's language; an unknown code keeps the
// server's own message, so nothing is hidden behind a generic "failed". In English the server's
// message is the better one (it names the alarm or the user), so it is kept as is.
import { currentLocale, hasMessage, t } from './catalog.js'

interface CodedError {
  code: string
  message: string
}

function isCoded(err: unknown): err is CodedError {
  return err instanceof Error && typeof (err as Partial<CodedError>).code === 'string'
}

export function errorText(err: unknown): string {
  if (isCoded(err) && currentLocale() !== 'en') {
    const key = `error.${err.code}`
    if (hasMessage(key)) return t(key)
    if (/^HTTP_\d+$/.test(err.code)) return t('error.HTTP', { status: err.code.slice(5) })
  }
  if (err instanceof Error) return err.message
  return String(err)
}
