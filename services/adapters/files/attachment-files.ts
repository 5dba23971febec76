// Uploaded files under VIGIL_DATA_DIR: work-order photos in attachments/ (issue #4 item 1), floor
// plans in floor-plans/ (issue #6 item 8). The database keeps the metadata; this adapter is the
// only code that touches the files.
import { createReadStream, type ReadStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface AttachmentFiles {
  /** Writes the bytes durably under `relPath` (write to a temp name, then rename: no half files). */
  write(relPath: string, data: Buffer): Promise<void>
  read(relPath: string): ReadStream
  /** Removes the file; a file already gone is not an error. */
  remove(relPath: string): Promise<void>
}

export function createAttachmentFiles(dataDir: string, folder = 'attachments'): AttachmentFiles {
  const root = path.resolve(dataDir, folder)
  const resolve = (relPath: string): string => {
    const full = path.resolve(root, relPath)
    // Paths are built by Vigil from ids, never from user input; this keeps it that way.
    if (!full.startsWith(root + path.sep)) throw new Error(`file path escapes the ${folder} folder: ${relPath}`)
    return full
  }
  return {
    async write(relPath, data) {
      const full = resolve(relPath)
      await mkdir(path.dirname(full), { recursive: true })
      const tmp = `${full}.part`
      await writeFile(tmp, data, { flush: true })
      await rename(tmp, full)
    },
    read: (relPath) => createReadStream(resolve(relPath)),
    remove: (relPath) => rm(resolve(relPath), { force: true }),
  }
}
