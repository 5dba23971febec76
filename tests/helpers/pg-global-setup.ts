// vitest globalSetup of the `postgres` project: checks once that the test server answers (a clear
// failure instead of every file failing alike), names this run so its databases can be told apart
// from another run's on the same server, and drops any that a failed test left behind.
import { randomBytes } from 'node:crypto'
import { dropRunDatabases, pgAdmin } from './test-database.js'

export default async function setup(): Promise<() => Promise<void>> {
  await pgAdmin((c) => c.query('SELECT 1'))
  // Workers are started after this runs and inherit the environment.
  const run = randomBytes(4).toString('hex')
  process.env.VIGIL_TEST_PG_RUN = run
  return async () => {
    const left = await dropRunDatabases(run)
    if (left.length > 0) process.stdout.write(`pg-global-setup: dropped ${left.length} database(s) a test left behind\n`)
  }
}
