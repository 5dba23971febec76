import { defineConfig } from 'vitest/config'

// Everything that starts Vigil or opens its operational database runs twice: once on SQLite (the
// embedded default) and once on PostgreSQL (issue #9: the same behaviour on both), each in a
// project named after its database so a failure says which one. Pure unit tests run once.
const ON_A_DATABASE = ['tests/integration/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/e2e/**/*.test.ts']

// SQLite only, and why:
const SQLITE_ONLY = [
  // They already run every case on both databases themselves.
  'tests/integration/sql-repos.test.ts',
  'tests/security/security-repos.test.ts',
  // Telemetry stores (SQLite file, InfluxDB) and the SQLite WAL checkpoint thread: the operational
  // database plays no part in them.
  'tests/integration/sqlite-telemetry-store.test.ts',
  'tests/integration/wal-checkpointer.test.ts',
  'tests/integration/influx-*.test.ts',
  // Static documents, certificate files, pure functions and simulators: no database behaviour to compare.
  'tests/security/docs.test.ts',
  'tests/security/throttle-units.test.ts',
  // SQLite's backup API is the subject (PostgreSQL backups are pg_dump's, README "Backups").
  'tests/integration/backup-restore.test.ts',
  // Chooses its database itself: a private PostgreSQL cluster it stops and starts.
  'tests/integration/postgres-outage.test.ts',
  // The raw-telemetry prune of the embedded store.
  'tests/integration/retention.test.ts',
  // 2,000 MQTT connections: the broker and the offline supervision are the subject, and once is
  // enough of the CI's two cores.
  'tests/integration/reconnect-storm.test.ts',
]

// Several Vigil processes sharing one database: PostgreSQL's case alone.
const POSTGRES_ONLY = ['tests/integration/concurrent-writers.test.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start servers on port 0 and browsers share 2 cores; keep parallelism modest.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      // Issue #9: Vigil as separate processes (brokers, API, workers) on PostgreSQL and Redis, and
      // behind an external Mosquitto. These pick their databases and brokers themselves.
      { extends: true, test: { name: 'cluster', include: ['tests/cluster/**/*.test.ts'], globalSetup: ['tests/helpers/pg-global-setup.ts'] } },
      { extends: true, test: { name: 'sqlite', include: ON_A_DATABASE, exclude: POSTGRES_ONLY, env: { VIGIL_TEST_DATABASE: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_A_DATABASE,
          exclude: SQLITE_ONLY,
          env: { VIGIL_TEST_DATABASE: 'postgres' },
          globalSetup: ['tests/helpers/pg-global-setup.ts'],
        },
      },
    ],
  },
})
