// The WAL checkpoint thread (services/adapters/sql/wal-checkpointer.ts) on a real SQLite file: while
// it runs, the writer no longer checkpoints at SQLite's 1,000 pages and the thread copies the WAL
// into the database file; once it stops, the writer checkpoints itself again. The data is the same
// whichever connection checkpointed it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startWalCheckpointer, type WalCheckpointer } from '../../services/adapters/sql/wal-checkpointer.js'
import { waitFor } from '../helpers/devices.js'

describe('WAL checkpoint thread', () => {
  let dir: string
  let file: string
  let db: SqliteDatabase.Database
  let checkpointer: WalCheckpointer | null
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-wal-'))
    file = path.join(dir, 'test.db')
    db = new SqliteDatabase(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    checkpointer = null
  })
  afterEach(async () => {
    await checkpointer?.stop()
    db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const insert = (from: number, n: number): void => {
    const stmt = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)')
    db.transaction(() => {
      for (let i = from; i < from + n; i++) stmt.run(i, 'x'.repeat(1000))
    })()
  }
  const autocheckpoint = (): number => db.pragma('wal_autocheckpoint', { simple: true }) as number

  it('takes the checkpoints off the writer and copies the WAL into the database file', async () => {
    checkpointer = startWalCheckpointer(db, { everyMs: 50 })
    expect(autocheckpoint()).toBeGreaterThan(1000)
    const before = fs.statSync(file).size
    // About 3,000 pages of 4 KiB: past SQLite's own threshold, far below the fallback.
    insert(0, 3 * 4000)
    // The file grows while a checkpoint runs; the thread reports the checkpoint once it is done.
    await waitFor('the thread to checkpoint the new pages into the database file', () => fs.statSync(file).size > before + 8_000_000 && checkpointer!.checkpoints() > 0, 10_000)
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 12_000 })
  })

  it('hands checkpoints back to the writer when stopped, and keeps every row', async () => {
    checkpointer = startWalCheckpointer(db, { everyMs: 50 })
    insert(0, 500)
    await checkpointer.stop()
    expect(autocheckpoint()).toBe(1000)
    insert(500, 500)
    db.close()
    const reopened = new SqliteDatabase(file, { readonly: true })
    expect(reopened.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1000 })
    reopened.close()
    db = new SqliteDatabase(file)
  })

  it('does not hold up the writer: commits go on while the thread checkpoints', async () => {
    checkpointer = startWalCheckpointer(db, { everyMs: 1 })
    for (let round = 0; round < 20; round++) insert(round * 200, 200)
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 4000 })
    await waitFor('a checkpoint by the thread', () => checkpointer!.checkpoints() > 0, 10_000)
  })
})
