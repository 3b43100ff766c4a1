/**
 * Backup and restore of the embedded database (PGlite) with its photos: one file.
 *
 *   npm run admin -- backup <file>     npm run admin -- restore <file>
 *
 * The backup is taken under the data folder's lock (dataFolder.ts), so no server writes meanwhile
 * and the copy is consistent: stop the server for the minute it takes (PGlite is one process's).
 * Restore keeps the folder it replaces (renamed `<folder>.before-restore-<time>`, nothing lost),
 * loads the backup, brings it to the current migrations and gives the feed a new epoch
 * (sync/feedState.ts): every phone's cursor is of the old history, and each starts over keeping its
 * outbox instead of holding records the restored server no longer has.
 *
 * The file: `FULLGRIDBAK1\n`, one JSON line naming the parts and their sizes, then the parts' bytes
 * in that order — the database (PGlite dumpDataDir, gzip tar) and every photo file.
 * PostgreSQL: pg_dump / pg_restore, see docs/scaling.md "Backup and restore".
 */
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { once } from 'node:events'
import { lockDataFolder } from './dataFolder'
import { openDatabase } from './db/adapter'
import { migrate } from './db/migrate'
import { newEpoch } from './sync/feedState'

const MAGIC = 'FULLGRIDBAK1\n'

interface Manifest {
  createdAt: string
  db: number
  blobs: { path: string; size: number }[]
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else if (e.isFile()) out.push(p)
  }
  return out
}

/** Writes the backup of `dataDir` (and the photos in `blobDir`) to `file`; returns its manifest. */
export async function backupPglite(dataDir: string, blobDir: string, file: string): Promise<Manifest> {
  const lock = lockDataFolder(dataDir)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const pg = await PGlite.create(dataDir)
    const dump = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer())
    await pg.close()
    const blobs = await filesUnder(blobDir)
    const manifest: Manifest = {
      createdAt: new Date().toISOString(),
      db: dump.length,
      blobs: await Promise.all(blobs.map(async (p) => ({ path: relative(blobDir, p).split(sep).join('/'), size: (await stat(p)).size }))),
    }
    await mkdir(dirname(resolve(file)), { recursive: true })
    const out = createWriteStream(file)
    const write = async (b: Buffer | string) => {
      if (!out.write(b)) await once(out, 'drain')
    }
    await write(MAGIC)
    await write(JSON.stringify(manifest) + '\n')
    await write(dump)
    for (const p of blobs) await write(await readFile(p))
    out.end()
    await once(out, 'finish')
    return manifest
  } finally {
    lock.release()
  }
}

/** Replaces `dataDir` with the backup in `file` (the old folder is kept beside it). */
export async function restorePglite(dataDir: string, blobDir: string, file: string): Promise<{ manifest: Manifest; keptAs: string | null; epoch: string }> {
  const fh = await open(file, 'r')
  let manifest: Manifest
  let offset: number
  let dump: Buffer
  try {
    const head = Buffer.alloc(32 << 20) // the manifest line fits: ~60 bytes per photo
    const { bytesRead } = await fh.read(head, 0, head.length, 0)
    const text = head.subarray(0, bytesRead).toString('latin1')
    const nl = text.indexOf('\n', MAGIC.length)
    if (!text.startsWith(MAGIC) || nl < 0) throw new Error(`${file} 不是满格的备份文件 / is not a FullGrid backup`)
    manifest = JSON.parse(head.subarray(MAGIC.length, nl).toString('utf8')) as Manifest
    offset = nl + 1
    dump = Buffer.alloc(manifest.db)
    await fh.read(dump, 0, manifest.db, offset)
    offset += manifest.db
  } catch (err) {
    await fh.close()
    throw err
  }
  try {
    const abs = resolve(dataDir)
    let keptAs: string | null = null
    if ((await stat(abs).catch(() => null)) !== null) {
      // The lock proves no server runs on it; the folder is then kept whole under another name.
      lockDataFolder(abs).release()
      keptAs = `${abs}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
      await rename(abs, keptAs)
    }
    await mkdir(abs, { recursive: true })
    const lock = lockDataFolder(abs)
    try {
      const { PGlite } = await import('@electric-sql/pglite')
      const pg = await PGlite.create(abs, { loadDataDir: new Blob([new Uint8Array(dump)]) })
      await pg.close()
      for (const b of manifest.blobs) {
        if (b.path.split('/').includes('..')) throw new Error(`bad path in backup: ${b.path}`)
        const bytes = Buffer.alloc(b.size)
        await fh.read(bytes, 0, b.size, offset)
        offset += b.size
        const to = join(blobDir, ...b.path.split('/'))
        await mkdir(dirname(to), { recursive: true })
        await writeFile(to, bytes)
      }
      const db = await openDatabase({ dataDir: abs })
      try {
        await migrate(db)
        const epoch = await newEpoch(db)
        return { manifest, keptAs, epoch }
      } finally {
        await db.close()
      }
    } finally {
      lock.release()
    }
  } finally {
    await fh.close()
  }
}
