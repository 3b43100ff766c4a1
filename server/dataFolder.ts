/**
 * The data folder (FULLGRID_DATA) belongs to one server process at a time (DESIGN §5): the
 * embedded database is single-process, and a second process writing the same files loses the
 * first one's acknowledged writes. Start-up takes an exclusive lock, a file `fullgrid.lock`
 * holding the owner's pid, put in place with link() (atomic: it fails if the file exists). A lock whose pid
 * no longer runs (kill -9, power loss) is stale and taken over.
 *
 * The same start-up step proves the folder writable: a folder that cannot take a lock file
 * (read-only, a path under a file, no permission) stops start-up with a message naming it.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

export const LOCK_FILE = 'fullgrid.lock'

/** Start-up cannot go on; the message names the folder and says what to do. */
export class StartupError extends Error {
  override name = 'StartupError'
}

export interface DataLock {
  readonly path: string
  release(): void
}

/** Creates `dir` if needed and checks that files can be written in it. */
export function ensureWritableFolder(dir: string, what = '数据目录 (data folder)'): string {
  const abs = resolve(dir)
  try {
    mkdirSync(abs, { recursive: true })
    const probe = join(abs, `.write-test-${process.pid}`)
    closeSync(openSync(probe, 'w'))
    rmSync(probe, { force: true })
  } catch (err) {
    throw new StartupError(`${what} ${abs} 无法写入 / is not writable: ${describeFsError(err)}`)
  }
  return abs
}

/** Takes the folder's lock or throws a StartupError naming the folder and the owner's pid. */
export function lockDataFolder(dir: string): DataLock {
  const abs = ensureWritableFolder(dir)
  const path = join(abs, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Written whole under a private name, then linked into place: link() fails with EEXIST
      // atomically, and a lock file is never seen half-written.
      const temp = `${path}.${process.pid}`
      const fd = openSync(temp, 'w')
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }))
      } finally {
        closeSync(fd)
      }
      try {
        linkSync(temp, path)
      } finally {
        rmSync(temp, { force: true })
      }
      let released = false
      const release = () => {
        if (released) return
        released = true
        // Only our own lock: a takeover after we were presumed dead must not be undone.
        if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true })
      }
      process.once('exit', release)
      return { path, release }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StartupError(`数据目录 ${abs} 无法加锁 / cannot be locked: ${describeFsError(err)}`)
      }
    }
    const owner = readOwner(path)
    if (owner && isRunning(owner.pid) && (!owner.host || owner.host === hostname())) {
      throw new StartupError(
        `数据目录 ${abs} 正被另一个 FullGrid 进程使用（pid ${owner.pid}），同一数据目录只能运行一个服务进程 / ` +
          `data folder ${abs} is in use by another FullGrid process (pid ${owner.pid}); ` +
          `stop it first, or remove ${path} if that process is not FullGrid`,
      )
    }
    if (owner?.host && owner.host !== hostname()) {
      throw new StartupError(
        `数据目录 ${abs} 被主机 ${owner.host} 上的进程（pid ${owner.pid}）锁定 / data folder ${abs} is locked by pid ${owner.pid} on host ${owner.host}; ` +
          `remove ${path} once that server is stopped`,
      )
    }
    // Stale: its process is gone (kill -9, power loss), or the file is not ours to read. Take it over.
    rmSync(path, { force: true })
  }
  throw new StartupError(`数据目录 ${abs} 的锁文件 ${path} 无法获取 / could not take the lock file`)
}

function readOwner(path: string): { pid: number; host?: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown }
    if (!Number.isInteger(parsed.pid)) return null
    return { pid: parsed.pid as number, host: typeof parsed.host === 'string' ? parsed.host : undefined }
  } catch {
    return null
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const why: Record<string, string> = {
    EACCES: '没有写入权限 (permission denied)',
    EPERM: '没有写入权限 (operation not permitted)',
    EROFS: '文件系统为只读 (read-only file system)',
    ENOTDIR: '路径中有一段不是目录 (a part of the path is a file)',
    ENOSPC: '磁盘已满 (no space left on device)',
  }
  return (e.code && why[e.code]) ?? e.message ?? String(err)
}
