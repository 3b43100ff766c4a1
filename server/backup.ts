/**
 * Backup and restore of the embedded database (PGlite) with its photos: one file.
 *
 *   npm run admin -- backup <file>     npm run admin -- restore <file>
 *
 * With the server stopped the backup is taken under the data folder's lock (dataFolder.ts); while
 * it runs, the running server takes it over its loopback backup channel (below), between two
 * transactions, so the copy is consistent either way and the server need not stop.
 * Restore keeps the folder it replaces (renamed `<folder>.before-restore-<time>`, nothing lost),
 * loads the backup, brings it to the current migrations and gives the feed a new epoch
 * (sync/feedState.ts): every phone's cursor is of the old history, and each starts over keeping its
 * outbox instead of holding records the restored server no longer has.
 *
 * The file: `FULLGRIDBAK1\n`, one JSON line naming the parts and their sizes, then the parts' bytes
 * in that order — the database (PGlite dumpDataDir, gzip tar) and every photo file.
 * PostgreSQL: pg_dump / pg_restore, see docs/scaling.md "Backup and restore".
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createWriteStream, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { lockDataFolder } from './dataFolder'
import { openDatabase, type Database } from './db/adapter'
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

interface BlobFile {
  abs: string
  path: string
  size: number
}

/** The photo files; `tmp/` holds uploads not yet renamed into place (sync/blobStore.ts), never whole. */
async function blobFiles(blobDir: string): Promise<BlobFile[]> {
  const files = (await filesUnder(blobDir)).filter((p) => relative(blobDir, p).split(sep)[0] !== 'tmp')
  const out: BlobFile[] = []
  for (const abs of files) {
    const size = await stat(abs).then((s) => s.size, () => null)
    if (size !== null) out.push({ abs, path: relative(blobDir, abs).split(sep).join('/'), size })
  }
  return out
}

/** What the CLI reports: when, how big, how many photos, and whether a running server took it. */
export interface BackupSummary {
  createdAt: string
  db: number
  photos: number
  live: boolean
}

function summaryOf(m: Manifest, live: boolean): BackupSummary {
  return { createdAt: m.createdAt, db: m.db, photos: m.blobs.length, live }
}

function manifestOf(dump: Uint8Array, blobs: BlobFile[]): Manifest {
  return { createdAt: new Date().toISOString(), db: dump.length, blobs: blobs.map(({ path, size }) => ({ path, size })) }
}

/** The backup's length in bytes, known before it is written (the live channel sends it ahead). */
function backupLength(manifest: Manifest): number {
  return Buffer.byteLength(MAGIC) + Buffer.byteLength(JSON.stringify(manifest) + '\n') + manifest.db + manifest.blobs.reduce((n, b) => n + b.size, 0)
}

/** Writes the backup's bytes to `out` (a file or the live channel's response); does not end it. */
async function writeBackup(out: Writable, manifest: Manifest, dump: Uint8Array, blobs: BlobFile[]): Promise<void> {
  const write = async (b: Uint8Array | string) => {
    if (!out.write(b)) await once(out, 'drain')
  }
  await write(MAGIC)
  await write(JSON.stringify(manifest) + '\n')
  await write(dump)
  // Photos are content-addressed and never rewritten, and a photo's file is in place before any
  // record names it: every photo the database dump refers to is among these files.
  for (const b of blobs) await write(await readFile(b.abs))
}

/**
 * Writes the backup of `dataDir` (and the photos in `blobDir`) to `file`; returns its manifest.
 * With the server stopped it takes the folder's lock and reads the database itself; while a server
 * runs on the folder it asks that server over its backup channel (below), which dumps its open
 * database between two transactions. Either way the file appears only once it is whole.
 */
export async function backupPglite(dataDir: string, blobDir: string, file: string): Promise<BackupSummary> {
  const channel = readBackupChannel(dataDir)
  if (channel) return backupFromServer(channel, file)
  const lock = lockDataFolder(dataDir)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const pg = await PGlite.create(dataDir)
    const dump = new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer())
    await pg.close()
    const blobs = await blobFiles(blobDir)
    const manifest = manifestOf(dump, blobs)
    await intoFile(file, async (out) => writeBackup(out, manifest, dump, blobs))
    return summaryOf(manifest, false)
  } finally {
    lock.release()
  }
}

/** Writes `file` under a temporary name and renames it when `fill` succeeded: never a half backup. */
async function intoFile(file: string, fill: (out: Writable) => Promise<void>): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true })
  const partial = `${file}.partial-${process.pid}`
  const out = createWriteStream(partial)
  try {
    await fill(out)
    out.end()
    await once(out, 'finish')
    await rename(partial, file)
  } catch (err) {
    out.destroy()
    await rm(partial, { force: true })
    throw err
  }
}

/*
 * The live backup channel. A running server owns the embedded database (one process, dataFolder.ts),
 * so a backup while it runs must come from it. The server listens on a second, loopback-only port
 * (127.0.0.1, separate from the public one, so no reverse proxy forwards to it) and writes
 * `backup-channel.json` — port and a random secret, readable by the folder's owner only — into the
 * data folder. Whoever can read the data folder can copy the data anyway: the secret grants nothing
 * more. The CLI finds the file, checks its pid runs, and asks for `POST /backup`.
 */
export const BACKUP_CHANNEL_FILE = 'backup-channel.json'

interface ChannelInfo {
  /** The folder it serves: a copy of the file inside a restored folder names another one. */
  dataDir: string
  pid: number
  port: number
  secret: string
}

function readBackupChannel(dataDir: string): ChannelInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(resolve(dataDir), BACKUP_CHANNEL_FILE), 'utf8')) as ChannelInfo
    if (info.dataDir !== resolve(dataDir) || !Number.isInteger(info.pid) || !Number.isInteger(info.port) || typeof info.secret !== 'string') return null
    process.kill(info.pid, 0) // throws when that server is gone (kill -9): then the lock decides
    return info
  } catch {
    return null
  }
}

async function backupFromServer(channel: ChannelInfo, file: string): Promise<BackupSummary> {
  let summary: BackupSummary | null = null
  await intoFile(file, (out) =>
    new Promise<void>((done, fail) => {
      const req = request(
        { host: '127.0.0.1', port: channel.port, method: 'POST', path: '/backup', headers: { authorization: `Bearer ${channel.secret}` } },
        (res) => {
          if (res.statusCode !== 200) {
            let body = ''
            res.setEncoding('utf8')
            res.on('data', (c: string) => (body += c))
            res.on('end', () => fail(new Error(`运行中的服务未能备份 / the running server could not back up (HTTP ${res.statusCode}): ${body}`)))
            return
          }
          const expected = Number(res.headers['content-length'])
          let got = 0
          res.on('data', (c: Buffer) => (got += c.length))
          res.on('error', fail)
          res.on('aborted', () => fail(new Error('备份传输中断 / the backup stream broke off')))
          res.pipe(out, { end: false })
          res.on('end', () => {
            if (got !== expected) return fail(new Error(`备份不完整 / the backup is incomplete (${got} of ${expected} bytes)`))
            summary = JSON.parse(String(res.headers['x-fullgrid-backup'])) as BackupSummary
            done()
          })
        },
      )
      req.on('error', (err) => fail(new Error(`无法连接运行中的服务 / cannot reach the running server's backup channel: ${err.message}`)))
      req.end()
    }),
  )
  return summary as unknown as BackupSummary
}

export interface BackupChannel {
  close(): Promise<void>
}

/** Started by the server on the embedded database (main.ts); closed when it stops. */
export async function startBackupChannel(opts: { db: Database; dataDir: string; blobDir: string }): Promise<BackupChannel> {
  const { db, blobDir } = opts
  if (!db.dumpDataDir) throw new Error('the backup channel is for the embedded database')
  const dump = db.dumpDataDir.bind(db)
  const secret = randomBytes(32).toString('hex')
  const expected = createHash('sha256').update(`Bearer ${secret}`).digest()
  const server = createServer((req, res) => {
    const given = createHash('sha256').update(req.headers.authorization ?? '').digest()
    if (req.method !== 'POST' || req.url !== '/backup' || !timingSafeEqual(given, expected)) {
      res.writeHead(req.url === '/backup' ? 401 : 404).end()
      return
    }
    void (async () => {
      try {
        const bytes = await dump()
        const blobs = await blobFiles(blobDir)
        const manifest = manifestOf(bytes, blobs)
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': backupLength(manifest),
          // the CLI's report; the file itself carries the manifest too
          'x-fullgrid-backup': JSON.stringify(summaryOf(manifest, true)),
        })
        await writeBackup(res, manifest, bytes, blobs)
        res.end()
      } catch (err) {
        if (res.headersSent) res.destroy(err as Error)
        else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String((err as Error).message))
      }
    })()
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen({ host: '127.0.0.1', port: 0 }, () => ok())
  })
  const { port } = server.address() as AddressInfo
  const path = join(resolve(opts.dataDir), BACKUP_CHANNEL_FILE)
  const temp = `${path}.${process.pid}`
  writeFileSync(temp, JSON.stringify({ dataDir: resolve(opts.dataDir), pid: process.pid, port, secret } satisfies ChannelInfo), { mode: 0o600 })
  renameSync(temp, path)
  return {
    async close() {
      rmSync(path, { force: true })
      await new Promise<void>((ok) => server.close(() => ok()))
    },
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
      // The dump is of the folder as the server had it: its backup channel's file is not this folder's.
      await rm(join(abs, BACKUP_CHANNEL_FILE), { force: true })
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
