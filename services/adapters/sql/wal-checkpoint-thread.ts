// A worker thread that checkpoints one SQLite database's write-ahead log (wal-checkpointer.ts): it
// copies committed pages from the WAL into the database file and syncs that file, the two slow
// steps of a checkpoint, so the thread that commits (the broker's) never waits for them.
import SqliteDatabase from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointerOptions, FromCheckpointer, ToCheckpointer } from './wal-checkpoint-protocol.js'

const port = parentPort
if (port === null) throw new Error('wal-checkpoint-thread.ts runs as a worker thread (wal-checkpointer.ts)')
const { file, everyMs } = workerData as CheckpointerOptions

const db = new SqliteDatabase(file, { fileMustExist: true })
db.pragma('busy_timeout = 5000')
// This connection writes nothing; it must not start checkpoints of its own at close either.
db.pragma('wal_autocheckpoint = 0')

let failing = false
function checkpoint(): void {
  try {
    // PASSIVE: as many frames as no reader needs, never waiting for (or blocking) the writer.
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>
    if (failing) port!.postMessage({ kind: 'recovered' } satisfies FromCheckpointer)
    failing = false
    // Only checkpoints that moved pages are reported: an idle database costs no message 4 times a second.
    if ((row?.checkpointed ?? 0) > 0) port!.postMessage({ kind: 'checkpointed', frames: row!.checkpointed, walFrames: row!.log } satisfies FromCheckpointer)
  } catch (err) {
    if (!failing) port!.postMessage({ kind: 'failed', message: String(err) } satisfies FromCheckpointer)
    failing = true
  }
}

const timer = setInterval(checkpoint, everyMs)
port.on('message', (m: ToCheckpointer) => {
  if (m.cmd !== 'stop') return
  clearInterval(timer)
  checkpoint()
  db.close()
  port.postMessage({ kind: 'stopped' } satisfies FromCheckpointer)
})
