// The on-disk spool in front of InfluxDB (issue #5 "No loss"; ARCHITECTURE.md "Durability"):
// append-only segment files of line protocol in <dataDir>/influx-spool, plus a cursor file with
// the position InfluxDB has confirmed. A batch is written to its segment (write(2), no fsync per
// batch) before the store resolves, as durable as the SQLite WAL with synchronous=NORMAL: it
// survives the process being killed. Segments wholly before the cursor are deleted. When the
// unconfirmed bytes pass the bound (VIGIL_SPOOL_MAX_MB), the oldest segments are dropped.
import fs from 'node:fs'
import path from 'node:path'

export interface SpoolCursor {
  segment: number
  offset: number
}

export interface SpoolChunk {
  lines: string[]
  /** Where the chunk ends: pass to confirm() once InfluxDB has the lines. */
  end: SpoolCursor
}

export interface SpoolDrop {
  lines: number
  bytes: number
}

export interface Spool {
  /** Writes the lines (no newlines inside) to the current segment before returning. */
  append(lines: readonly string[]): void
  /** Up to maxBytes of whole lines after the confirmed cursor, from one segment; null when nothing waits. */
  read(maxBytes: number): SpoolChunk | null
  /** InfluxDB has everything up to `end`. A cursor into a segment dropped meanwhile is ignored. */
  confirm(end: SpoolCursor): void
  pendingBytes(): number
  /** True while the unconfirmed bytes are at the bound (the last segment's worth below it or more). */
  isFull(): boolean
  close(): void
}

export interface SpoolOptions {
  dir: string
  maxBytes: number
  /** Called after the oldest segments were dropped to stay under the bound. */
  onDrop(drop: SpoolDrop): void
}

interface Segment {
  id: number
  size: number
}

const SEGMENT = /^seg-(\d{12})\.lp$/
const CURSOR_FILE = 'cursor.json'
// Small enough that dropping one segment loses little, big enough to keep file counts low.
const segmentBytesFor = (maxBytes: number): number => Math.min(16 * 1024 * 1024, Math.max(4096, Math.floor(maxBytes / 8)))

export function createSpool(opts: SpoolOptions): Spool {
  fs.mkdirSync(opts.dir, { recursive: true })
  const segmentBytes = segmentBytesFor(opts.maxBytes)
  const file = (id: number): string => path.join(opts.dir, `seg-${String(id).padStart(12, '0')}.lp`)
  const segments: Segment[] = fs.readdirSync(opts.dir)
    .map((f) => SEGMENT.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
    .map((id) => ({ id, size: fs.statSync(file(id)).size }))

  // A kill during a write can leave half a line at the end of the newest segment.
  const newest = segments.at(-1)
  if (newest) newest.size = trimPartialLine(file(newest.id), newest.size)

  let cursor = loadCursor(path.join(opts.dir, CURSOR_FILE))
  const first = segments[0]
  if (first && cursor.segment < first.id) cursor = { segment: first.id, offset: 0 }
  while (segments.length > 0 && segments[0]!.id < cursor.segment) fs.rmSync(file(segments.shift()!.id), { force: true })

  let fd: number | null = null
  let nextId = (segments.at(-1)?.id ?? cursor.segment) + 1

  function saveCursor(): void {
    const target = path.join(opts.dir, CURSOR_FILE)
    fs.writeFileSync(`${target}.tmp`, JSON.stringify(cursor))
    fs.renameSync(`${target}.tmp`, target)
  }

  function pendingBytes(): number {
    let total = 0
    for (const s of segments) total += s.id === cursor.segment ? Math.max(0, s.size - cursor.offset) : s.id > cursor.segment ? s.size : 0
    return total
  }

  function openSegment(): Segment {
    const seg = { id: nextId++, size: 0 }
    fd = fs.openSync(file(seg.id), 'a')
    segments.push(seg)
    return seg
  }

  function closeSegment(): void {
    if (fd === null) return
    fs.fdatasyncSync(fd)
    fs.closeSync(fd)
    fd = null
  }

  function removeHead(): void {
    const s = segments.shift()!
    fs.rmSync(file(s.id), { force: true })
  }

  function dropOldest(): void {
    let lines = 0
    let bytes = 0
    while (pendingBytes() > opts.maxBytes && segments.length > 0) {
      const s = segments[0]!
      if (s === segments.at(-1)) closeSegment()
      const from = s.id === cursor.segment ? cursor.offset : 0
      lines += countLines(file(s.id), from, s.size)
      bytes += s.size - from
      removeHead()
      cursor = { segment: segments[0]?.id ?? nextId, offset: 0 }
    }
    saveCursor()
    if (lines > 0 || bytes > 0) opts.onDrop({ lines, bytes })
  }

  return {
    append(lines) {
      if (lines.length === 0) return
      // Split so a segment stays near its size even for a big batch: the bound drops whole segments.
      let seg = fd === null ? openSegment() : segments.at(-1)!
      let start = 0
      while (start < lines.length) {
        if (seg.size >= segmentBytes) {
          closeSegment()
          seg = openSegment()
        }
        let end = start
        let bytes = 0
        while (end < lines.length && (end === start || seg.size + bytes + lines[end]!.length + 1 <= segmentBytes)) bytes += lines[end++]!.length + 1
        const buf = Buffer.from(lines.slice(start, end).join('\n') + '\n', 'utf8')
        fs.writeSync(fd!, buf)
        seg.size += buf.length
        start = end
      }
      if (pendingBytes() > opts.maxBytes) dropOldest()
    },

    read(maxBytes) {
      for (const s of segments) {
        if (s.id < cursor.segment) continue
        const from = s.id === cursor.segment ? cursor.offset : 0
        if (from >= s.size) continue
        const length = Math.min(maxBytes, s.size - from)
        const buf = Buffer.alloc(length)
        const rfd = fs.openSync(file(s.id), 'r')
        try {
          fs.readSync(rfd, buf, 0, length, from)
        } finally {
          fs.closeSync(rfd)
        }
        let end = buf.lastIndexOf(10)
        // A single line longer than maxBytes: read it whole rather than stall.
        if (end < 0) return readWholeLine(file(s.id), s.id, from, s.size)
        end += 1
        const text = buf.toString('utf8', 0, end - 1)
        return { lines: text.split('\n'), end: { segment: s.id, offset: from + end } }
      }
      return null
    },

    confirm(end) {
      if (end.segment < cursor.segment || (end.segment === cursor.segment && end.offset <= cursor.offset)) return
      cursor = end
      // Confirmed segments that are no longer written to are deleted.
      while (segments.length > 1 && segments[0]!.id < cursor.segment) removeHead()
      const head = segments[0]
      if (head && head.id === cursor.segment && cursor.offset >= head.size && segments.length > 1) {
        removeHead()
        cursor = { segment: segments[0]!.id, offset: 0 }
      }
      saveCursor()
    },

    pendingBytes,
    isFull: () => pendingBytes() > opts.maxBytes - segmentBytes,

    close() {
      closeSegment()
    },
  }
}

function loadCursor(p: string): SpoolCursor {
  try {
    const c = JSON.parse(fs.readFileSync(p, 'utf8')) as Partial<SpoolCursor>
    if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) return { segment: c.segment!, offset: c.offset! }
  } catch { /* no cursor yet: everything spooled is unconfirmed */ }
  return { segment: 0, offset: 0 }
}

function trimPartialLine(p: string, size: number): number {
  if (size === 0) return 0
  const tail = Math.min(size, 64 * 1024)
  const buf = Buffer.alloc(tail)
  const fd = fs.openSync(p, 'r+')
  try {
    fs.readSync(fd, buf, 0, tail, size - tail)
    if (buf[tail - 1] === 10) return size
    const nl = buf.lastIndexOf(10)
    const keep = nl < 0 ? size - tail : size - tail + nl + 1
    fs.ftruncateSync(fd, keep)
    return keep
  } finally {
    fs.closeSync(fd)
  }
}

function countLines(p: string, from: number, to: number): number {
  if (to <= from) return 0
  const buf = Buffer.alloc(to - from)
  const fd = fs.openSync(p, 'r')
  try {
    fs.readSync(fd, buf, 0, buf.length, from)
  } finally {
    fs.closeSync(fd)
  }
  let n = 0
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++
  return n
}

function readWholeLine(p: string, segment: number, from: number, size: number): SpoolChunk {
  const buf = Buffer.alloc(size - from)
  const fd = fs.openSync(p, 'r')
  try {
    fs.readSync(fd, buf, 0, buf.length, from)
  } finally {
    fs.closeSync(fd)
  }
  const end = buf.indexOf(10) + 1
  return { lines: [buf.toString('utf8', 0, end - 1)], end: { segment, offset: from + end } }
}
