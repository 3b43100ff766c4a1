/**
 * `npm start` / `npm run serve`: lock the data folder, open the database, migrate, seed the demo
 * if asked, listen. With the embedded database the data folder belongs to this process alone
 * (server/dataFolder.ts); a second process stops with a message naming the folder.
 * Prints `FullGrid listening on http://HOST:PORT` with the real port (tests and benchmarks parse
 * it), then in demo mode the demo accounts, and while no admin account exists the one-time
 * 首次设置 address (server/setup/firstStart.ts). Stops cleanly on SIGINT/SIGTERM.
 */
import type { AddressInfo } from 'node:net'
import { openDatabase } from './db/adapter'
import { migrate } from './db/migrate'
import { buildApp } from './app'
import { startBackupChannel } from './backup'
import { ConfigError, loadConfig, packageVersion } from './config'
import { ensureWritableFolder, lockDataFolder, StartupError, type DataLock } from './dataFolder'
import { DEMO_PASSWORD, demoMarker, seedDemo, type DemoMarker } from './seed'
import { issueSetupToken, setupUrl } from './setup/firstStart'

async function main() {
  const config = loadConfig()
  // PostgreSQL is shared by design (several processes behind a load balancer); the embedded
  // database is not, so its folder is locked before anything opens it.
  const lock: DataLock | null = config.databaseUrl ? null : lockDataFolder(config.dataDir)
  ensureWritableFolder(config.blobDir, '照片目录 (blob folder)')
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir })
  await migrate(db)

  let demo: DemoMarker | null = null
  if (config.demo) {
    demo = await demoMarker(db)
    if (!demo) {
      const started = Date.now()
      // Only demo mode needs the generator; a production start never loads it.
      const { generateCommunity } = await import('../demo/generate')
      // Dated from today, so the demo's visits and issues are recent rather than drifting overdue.
      const community = generateCommunity({ now: started, ...(config.demoHouseholds ? { households: config.demoHouseholds } : {}) })
      demo = (await seedDemo(db, community)).marker
      console.log(`Demo community seeded: ${demo.records} records in ${Date.now() - started} ms`)
    }
  }

  // No admin yet (a start without the demo): a one-time address for 首次设置 (server/setup/).
  const setupToken = await issueSetupToken(db)

  const app = await buildApp({
    db,
    closeDb: true,
    blobs: config.blobDir,
    uploadQuotaBytes: config.uploadQuotaBytes,
    version: packageVersion(),
    logger: true,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    tiles: config.tiles,
    timeZone: config.timeZone,
  })
  await app.listen({ host: config.host, port: config.port })
  // `npm run admin -- backup` while this server runs asks it over a loopback port (server/backup.ts).
  const backupChannel = config.databaseUrl ? null : await startBackupChannel({ db, dataDir: config.dataDir, blobDir: config.blobDir })
  const { port } = app.server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  console.log(`FullGrid listening on http://${host}:${port}`)
  // Where each kind of person goes: the phone app at the root, the supervisors' console beside it.
  console.log(`Workers (phone app): http://${host}:${port}/`)
  console.log(`Supervisors (console): http://${host}:${port}/console`)
  if (demo) {
    const names = demo.accounts.map((a) => a.username)
    console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${names.join(', ')}`)
  }
  if (setupToken) {
    // A wildcard address is not one a browser can open; the machine itself can.
    const reachable = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : host
    console.log(`First start: no administrator yet. Create one (首次设置) at ${setupUrl(`http://${reachable}:${port}`, setupToken)}`)
    console.log('  (this address works once; a restart prints a new one while no administrator exists)')
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping')
    try {
      await backupChannel?.close()
      await app.close()
      lock?.release()
      process.exit(0)
    } catch (err) {
      console.error(err)
      process.exit(1)
    }
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`)
  else if (err instanceof StartupError) console.error(`Cannot start: ${err.message}`)
  else console.error(err)
  process.exit(1)
})
