// What a multi-process test needs around Vigil's processes: a fresh PostgreSQL database on the
// server of postgres://postgres@127.0.0.1:5432/test, a Redis key prefix of its own, and the built
// CLI. Missing pieces fail the test with what to do (no skipping).
import { randomBytes } from 'node:crypto'
import { readdirSync, statSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const PG_ADMIN_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.VIGIL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ClusterEnv {
  databaseUrl: string
  redisUrl: string
  redisPrefix: string
  secretKey: string
  redis: Redis
  /** Drops the database and the Redis keys of this run. */
  dispose(): Promise<void>
}

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p))
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

/** The tests run dist/bin/vigil.js: it must exist and be newer than the sources. */
export function assertBuiltCli(): void {
  const cli = path.join(root, 'dist/bin/vigil.js')
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`)
  const sources = Math.max(...['bin', 'services', 'broker'].map((d) => newestSource(path.join(root, d))))
  if (statSync(cli).mtimeMs < sources) throw new Error('dist/ is older than the sources: run "npm run build" first')
}

/** `redisUrl`: a Redis of the test's own (one it stops and starts); the shared one by default. */
export async function createClusterEnv(opts: { redisUrl?: string } = {}): Promise<ClusterEnv> {
  const redisUrl = opts.redisUrl ?? REDIS_URL
  const run = randomBytes(4).toString('hex')
  const dbName = `vigil_cluster_${run}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  try {
    await admin.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is needed at ${PG_ADMIN_URL} (set VIGIL_TEST_PG_URL): ${(err as Error).message}`, { cause: err })
  }
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  // A test may stop its Redis on purpose; the client reconnects by itself.
  redis.on('error', () => undefined)
  try {
    await redis.connect()
  } catch (err) {
    throw new Error(`Redis is needed at ${redisUrl} (set VIGIL_TEST_REDIS_URL): ${(err as Error).message}`, { cause: err })
  }
  const redisPrefix = `vt${run}`
  const databaseUrl = new URL(PG_ADMIN_URL)
  databaseUrl.pathname = `/${dbName}`
  return {
    databaseUrl: databaseUrl.toString(), redisUrl, redisPrefix, redis,
    secretKey: randomBytes(32).toString('hex'),
    async dispose() {
      const keys: string[] = []
      for await (const batch of redis.scanStream({ match: `${redisPrefix}*`, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch)
      if (keys.length > 0) await redis.del(...keys)
      await redis.quit()
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await c.end()
    },
  }
}
