// People for API tests: a user of a role (optionally limited to sites), created through the API and logged in.
import type { TestVigil } from './start-test-vigil.js'

export async function userToken(v: TestVigil, adminToken: string, username: string, role: string, siteIds: string[] = []): Promise<string> {
  const password = `${username}-password`
  const r = await v.api('POST', '/api/v1/users', { token: adminToken, body: { username, password, role, displayName: username, siteIds } })
  if (r.status !== 201) throw new Error(`user ${username} → ${r.status} ${r.text}`)
  return v.login(username, password)
}
