/**
 * Admin commands (`npm run admin -- <command>`), on the same database the server uses
 * (DATABASE_URL or FULLGRID_DATA). With the embedded database, stop the server first: PGlite
 * allows one process per data folder.
 *
 *   FULLGRID_PASSWORD=… npm run admin -- create-user --username admin --name 管理员 --role admin [--grid <gridId> …]
 *
 * The password comes from the environment, never the command line (shell history, `ps`).
 */
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import type { Database } from './db/adapter'
import { openDatabase } from './db/adapter'
import { lockDataFolder, StartupError } from './dataFolder'
import { migrate } from './db/migrate'
import { backupPglite, restorePglite } from './backup'
import { loadConfig } from './config'
import { putWholeRecords } from './records'
import { hashPassword } from './auth/password'
import { normalizeUsername } from './auth/routes'
import { formatHlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import { usernameSchema } from '../src/domain/auth'
import { MIN_PASSWORD_LENGTH, passwordTooShort } from '../src/domain/password'
import { describeZodError, roleSchema, userSchema, type Role, type User } from '../src/domain/entities'

// One password rule for every way in (src/domain/password.ts); the CLI says it in English.
export { MIN_PASSWORD_LENGTH }

export class CliError extends Error {}

export interface NewUser {
  username: string
  name: string
  role: Role
  gridIds: string[]
  password: string
}

/** Writes the users record and its credentials in one transaction. */
export async function createUser(db: Database, u: NewUser, now = Date.now()): Promise<User> {
  if (passwordTooShort(u.password)) throw new CliError(`password must have at least ${MIN_PASSWORD_LENGTH} characters`)
  const username = normalizeUsername(usernameSchema.parse(u.username))
  const parsed = userSchema.safeParse({
    id: uuidv7(now),
    hlc: formatHlc({ wall: now, counter: 0, node: 'server' }),
    deleted: false,
    name: u.name,
    role: u.role,
    gridIds: u.gridIds,
    phone: '',
  })
  if (!parsed.success) throw new CliError(describeZodError(parsed.error))
  const user = parsed.data
  const passwordHash = await hashPassword(u.password)
  await db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT 1 FROM credentials WHERE username = $1', [username])
    if (rows.length) throw new CliError(`username "${username}" already exists`)
    await putWholeRecords(tx, 'users', [user])
    await tx.query('INSERT INTO credentials (user_id, username, password_hash) VALUES ($1::uuid, $2, $3)', [
      user.id,
      username,
      passwordHash,
    ])
  })
  return user
}

const USAGE = `usage: FULLGRID_PASSWORD=… tsx server/cli.ts create-user --username U --name N --role admin|supervisor|worker [--grid GRIDID …]
       tsx server/cli.ts backup <file> | restore <file>`

/** Parses a command line into what `createUser` needs (the password from `env`). */
export function parseCreateUser(args: string[], env: NodeJS.ProcessEnv): NewUser {
  let values
  try {
    ;({ values } = parseArgs({
      args,
      options: {
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        grid: { type: 'string', multiple: true },
      },
      strict: true,
    }))
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`)
  }
  if (!values.username || !values.name || !values.role) throw new CliError(`--username, --name and --role are required\n${USAGE}`)
  const role = roleSchema.safeParse(values.role)
  if (!role.success) throw new CliError(`--role must be admin, supervisor or worker`)
  const password = env.FULLGRID_PASSWORD ?? ''
  if (!password) throw new CliError('set the password in the environment variable FULLGRID_PASSWORD')
  if (passwordTooShort(password)) throw new CliError(`FULLGRID_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`)
  return { username: values.username, name: values.name, role: role.data, gridIds: values.grid ?? [], password }
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [command, ...args] = argv
  if (command === 'backup' || command === 'restore') return backupCommand(command, args, env)
  if (command !== 'create-user') throw new CliError(USAGE)
  const input = parseCreateUser(args, env)
  const config = loadConfig(env)
  // The embedded database is one process's: refuse while a server runs on the folder.
  let lock
  try {
    lock = config.databaseUrl ? null : lockDataFolder(config.dataDir)
  } catch (err) {
    throw err instanceof StartupError ? new CliError(err.message) : err
  }
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir })
  try {
    await migrate(db)
    const user = await createUser(db, input)
    return `created ${user.role} ${normalizeUsername(input.username)} (${user.name}, id ${user.id})`
  } finally {
    await db.close()
    lock?.release()
  }
}

/** `backup <file>` / `restore <file>` of the embedded database and its photos (server/backup.ts). */
async function backupCommand(command: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const config = loadConfig(env)
  const [file] = args
  if (!file || args.length !== 1) throw new CliError(`usage: npm run admin -- ${command} <file>`)
  if (config.databaseUrl) throw new CliError('DATABASE_URL is set: back up PostgreSQL with pg_dump / pg_restore (docs/scaling.md "Backup and restore")')
  try {
    if (command === 'backup') {
      const m = await backupPglite(config.dataDir, config.blobDir, file)
      return `backup written to ${file} (database ${m.db} bytes, ${m.photos} photo files${m.live ? ', taken by the running server' : ''})`
    }
    const r = await restorePglite(config.dataDir, config.blobDir, file)
    return `restored ${file} (taken ${r.manifest.createdAt}) into ${config.dataDir}; feed epoch ${r.epoch}${r.keptAs ? `; the folder before is kept as ${r.keptAs}` : ''}`
  } catch (err) {
    throw err instanceof StartupError ? new CliError(err.message) : err
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (message) => console.log(message),
    (err) => {
      console.error(err instanceof CliError ? err.message : err)
      process.exit(1)
    },
  )
}
