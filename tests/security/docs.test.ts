// Issue #7 "from one permission table that the docs show": the README's table is the code's.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { permissionTableMarkdown } from '../../services/api/permissions.js'

describe('the permission table in the docs', () => {
  it('is the README\'s Security section, row for row', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const security = readme.slice(readme.indexOf('## Security'))
    expect(security).toContain(permissionTableMarkdown())
  })
})
