/**
 * One server process per data folder (issue 7.7), and a data folder that cannot be written stops
 * start-up with a message naming it (issue 7.10). Real processes: `tsx server/main.ts` on port 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCK_FILE, lockDataFolder, StartupError } from '../../server/dataFolder'

interface Server {
  child: ChildProcessWithoutNullStreams
  output: () => string
  exited: Promise<unknown[]>
}

const started: Server[] = []
const folders: string[] = []

function startServer(env: Record<string, string>): Server {
  // node with tsx's loader, not the tsx binary: tsx relays a signal to its child and SIGKILLs it
  // (exit 143) when the child does not acknowledge within 30 ms, which a loaded CI machine misses.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: '', FULLGRID_DEMO: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const server = { child, output: () => out, exited: once(child, 'exit') }
  started.push(server)
  return server
}

/** Resolves with the address once the server listens; rejects if it exits first. */
function listening(s: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /^FullGrid listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(s.output())
      if (m) {
        clearInterval(timer)
        resolve(m[1])
      } else if (s.child.exitCode !== null) {
        clearInterval(timer)
        reject(new Error(`server exited ${s.child.exitCode}: ${s.output()}`))
      }
    }, 100)
  })
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fullgrid-lock-'))
  folders.push(dir)
  return dir
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGKILL')
      await s.exited
    }
  }
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('one process per data folder', () => {
  it('a second server on the same FULLGRID_DATA refuses to start, naming the folder; the first keeps serving', async () => {
    const data = await folder()
    const first = startServer({ FULLGRID_DATA: data })
    const url = await listening(first)

    const second = startServer({ FULLGRID_DATA: data })
    const [code] = await second.exited
    expect(code).toBe(1)
    expect(second.output()).toContain(data)
    expect(second.output()).toMatch(/in use by another FullGrid process \(pid \d+\)/)
    expect(second.output()).not.toMatch(/FullGrid listening/)

    const health = await fetch(`${url}/api/health`)
    expect(health.status).toBe(200)

    // A clean stop gives the folder back.
    first.child.kill('SIGTERM')
    const [firstCode] = await first.exited
    expect(firstCode).toBe(0)
    expect(existsSync(join(data, LOCK_FILE))).toBe(false)
    const third = startServer({ FULLGRID_DATA: data })
    await listening(third)
    third.child.kill('SIGTERM')
    expect((await third.exited)[0]).toBe(0)
  }, 240_000)

  it('an unwritable data folder stops start-up with a message naming the folder', async () => {
    // Running as root, permissions do not stop writes; a path under a regular file fails for anyone.
    const base = await folder()
    await writeFile(join(base, 'a-file'), 'not a folder')
    const data = join(base, 'a-file', 'data')
    const s = startServer({ FULLGRID_DATA: data })
    const [code] = await s.exited
    expect(code).toBe(1)
    expect(s.output()).toContain(`Cannot start: 数据目录 (data folder) ${data}`)
    expect(s.output()).toMatch(/not writable/)
  }, 120_000)
})

describe('lockDataFolder', () => {
  it('refuses a folder locked by a running process and takes over a stale lock', async () => {
    const data = await folder()
    // A live process other than this one: the test runner's parent.
    await writeFile(join(data, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }))
    expect(() => lockDataFolder(data)).toThrow(StartupError)
    expect(() => lockDataFolder(data)).toThrow(data)

    // A pid that no longer runs (a crashed server): the lock is stale.
    const dead = spawn(process.execPath, ['-e', ''])
    await once(dead, 'exit')
    await writeFile(join(data, LOCK_FILE), JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname() }))
    const lock = lockDataFolder(data)
    expect(JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    // Held: the folder cannot be opened twice, not even by the same process.
    expect(() => lockDataFolder(data)).toThrow(StartupError)
    lock.release()
    expect(existsSync(join(data, LOCK_FILE))).toBe(false)
  })
})
