// Checkpoints a SQLite database's write-ahead log on a thread of its own (wal-checkpoint-thread.ts).
//
// Why: SQLite checkpoints on the committing connection once the WAL passes 1,000 pages, and in WAL
// mode with synchronous=NORMAL a checkpoint is where the fsyncs are (of the WAL, then of the database
// file). Ingest commits about a thousand messages at a time, into as many index pages, so nearly
// every telemetry commit paid for a checkpoint and its fsyncs on the broker's thread: on a busy disk
// a stall of seconds, during which devices' packets and screens' frames piled up in memory (the
// hour's soak, issue #10). Here the thread checkpoints every few hundred milliseconds without
// blocking the writer, and the writer checkpoints itself only if the WAL grows far past that (the
// thread is gone or stuck), so the WAL stays bounded either way. Durability is unchanged: a commit
// is in the WAL when it returns, checkpointed or not.
import { Worker } from 'node:worker_threads'
import type SqliteDatabase from 'better-sqlite3'
import type { Logger } from 'pino'
import type { CheckpointerOptions, FromCheckpointer, ToCheckpointer } from './wal-checkpoint-protocol.js'

const DEFAULT_EVERY_MS = 250
/** SQLite's own threshold, restored when the thread is gone: the writer checkpoints as before. */
const SQLITE_DEFAULT_PAGES = 1000
/** While the thread runs: a safety net at 64 MiB of WAL (4 KiB pages), far past what it lets build up. */
const FALLBACK_PAGES = 16_384
const STOP_TIMEOUT_MS = 5000

export interface WalCheckpointer {
  /** Checkpoints one last time, closes the thread's connection and ends it; the writer checkpoints itself again. */
  stop(): Promise<void>
  /** Checkpoints the thread has run that moved pages into the database file (tests, diagnostics). */
  checkpoints(): number
}

/**
 * Built, the thread is the `.js` beside this file. Under the tests, which run the TypeScript sources,
 * it is the `.ts` file: a thread does not inherit tsx's loader, and on Node 20 `--import tsx` in its
 * execArgv does not reach its entry, so a one-line entry registers the loader and imports the file.
 */
function spawnThread(options: CheckpointerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./wal-checkpoint-thread.js', import.meta.url), { workerData: options, execArgv: [] })
  const source = new URL('./wal-checkpoint-thread.ts', import.meta.url)
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}) })`
  return new Worker(entry, { eval: true, workerData: options, execArgv: [] })
}

export function startWalCheckpointer(db: SqliteDatabase.Database, opts: { everyMs?: number; logger?: Pick<Logger, 'info' | 'warn' | 'error'> } = {}): WalCheckpointer {
  const { logger } = opts
  let count = 0
  let exited = false
  let stopping: Promise<void> | null = null
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`)
  const worker = spawnThread({ file: db.name, everyMs: opts.everyMs ?? DEFAULT_EVERY_MS })
  worker.unref()

  const writerTakesOver = (): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`)
  }
  worker.on('message', (m: FromCheckpointer) => {
    if (m.kind === 'checkpointed') count++
    else if (m.kind === 'failed') logger?.warn({ file: db.name, err: m.message }, 'WAL checkpoint failed; the thread retries')
    else if (m.kind === 'recovered') logger?.info({ file: db.name }, 'WAL checkpoints succeed again')
  })
  worker.on('error', (err) => logger?.error({ err, file: db.name }, 'WAL checkpoint thread failed; the writer checkpoints itself from now on'))
  worker.on('exit', () => {
    exited = true
    if (stopping === null) writerTakesOver()
  })

  return {
    checkpoints: () => count,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (exited) {
          writerTakesOver()
          return resolve()
        }
        const done = (): void => {
          clearTimeout(timer)
          writerTakesOver()
          void worker.terminate().then(() => resolve())
        }
        const timer = setTimeout(done, STOP_TIMEOUT_MS)
        worker.on('message', (m: FromCheckpointer) => m.kind === 'stopped' && done())
        worker.on('exit', done)
        worker.postMessage({ cmd: 'stop' } satisfies ToCheckpointer)
      })
      return stopping
    },
  }
}
