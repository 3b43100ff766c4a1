/**
 * `npm start` / `npm run serve`: open the database, migrate, seed the demo if asked, listen.
 * Prints `FullGrid listening on http://HOST:PORT` with the real port (tests and benchmarks parse
 * it), then in demo mode the demo accounts. Stops cleanly on SIGINT/SIGTERM.
 */
import type { AddressInfo } from 'node:net'
import { openDatabase } from './db/adapter'
import { migrate } from './db/migrate'
import { buildApp } from './app'
import { ConfigError, loadConfig, packageVersion } from './config'
import { DEMO_PASSWORD, demoMarker, seedDemo, type DemoMarker } from './seed'

async function main() {
  const config = loadConfig()
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

  const app = await buildApp({ db, version: packageVersion(), logger: true, logLevel: config.logLevel, trustProxy: config.trustProxy, tiles: config.tiles })
  await app.listen({ host: config.host, port: config.port })
  const { port } = app.server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  console.log(`FullGrid listening on http://${host}:${port}`)
  if (demo) {
    const names = demo.accounts.map((a) => a.username)
    console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${names.join(', ')}`)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping')
    try {
      await app.close()
      await db.close()
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
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : err)
  process.exit(1)
})
