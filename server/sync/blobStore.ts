/**
 * Photo bytes as files (issue 7.8): content-addressed under the blob folder as `ab/abcdef…`
 * (the SHA-256, split so no folder holds millions of names). Writing never touches the database,
 * so a 5 MB upload does not hold the embedded database's single connection while other users pull.
 *
 * A file is written under `tmp/` and renamed into place: rename is atomic within one file system,
 * so a reader (or a crash) never sees half a photo, and two processes writing the same photo
 * (several servers on one PostgreSQL sharing the folder) both end with the same whole file.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, type ReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

export class BlobStore {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256)
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile()
    } catch {
      return false
    }
  }

  /** Stores the bytes under their hash (the caller checked it). Idempotent. */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const final = this.pathOf(sha256)
    if (await this.has(sha256)) return
    const temp = await this.tempPath()
    try {
      await this.writeFile(temp, bytes)
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true })
      await rename(temp, final)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  /** A stream of the photo, or null when the file is missing. */
  async read(sha256: string): Promise<{ stream: ReadStream; size: number } | null> {
    const path = this.pathOf(sha256)
    try {
      const { size } = await stat(path)
      return { stream: createReadStream(path), size }
    } catch {
      return null
    }
  }

  /** Where a new file is written before it is renamed into place. */
  protected async tempPath(): Promise<string> {
    const tmp = join(this.dir, 'tmp')
    await mkdir(tmp, { recursive: true })
    return join(tmp, `${process.pid}-${randomBytes(8).toString('hex')}`)
  }

  /** Writes and flushes to disk, so a photo acknowledged to the phone survives a power cut. */
  protected async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    const file = await open(path, 'w')
    try {
      await file.writeFile(bytes)
      await file.sync()
    } finally {
      await file.close()
    }
  }
}
