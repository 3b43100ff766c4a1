/**
 * 首次设置 (issue 18): a server started without the demo has no accounts, so nobody could sign
 * in. While no active admin account exists, every start issues a set-up token, prints
 * `…/console/setup#t=<token>` (server/main.ts) and keeps only the token's SHA-256 in
 * `server_meta`. The page of that address creates the first admin, once:
 *
 *   1. Start: no admin → a new token; its hash joins the list (the last MAX_TOKENS starts, so
 *      several processes on one PostgreSQL each print an address that works).
 *   2. Use: in one transaction the list row is locked (FOR UPDATE: two tabs sending at once
 *      are served one after the other), the token's hash must be in it and no admin may exist;
 *      the admin's `users` record and credentials are written, the list is deleted (every
 *      address printed so far dies with it), and the audit log names the new admin.
 *   3. Once an admin exists nothing is issued and every token is refused — also a token printed
 *      before another way (the CLI) made an admin.
 *
 * The token travels in the URL's fragment (never in a server log or Referer), like 扫码登录.
 */
import type { Database, Queryable } from '../db/adapter'
import { userSchema, type User } from '../../src/domain/entities'
import { uuidv7 } from '../../src/domain/ids'
import { nameProblem } from '../../src/domain/administration'
import { newPasswordProblem, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../src/domain/password'
import { badRequest, HttpError, parseWith } from '../errors'
import { putWholeRecords } from '../records'
import { normalizeUsername } from '../auth/routes'
import { hashToken, newToken } from '../auth/tokens'
import { formatHlc } from '../../src/domain/hlc'

export const SETUP_META_KEY = 'first_start_tokens'
/** How many starts' addresses stay good at once (a restart loop must not grow the row forever). */
export const MAX_TOKENS = 8
export const SETUP_PATH = '/console/setup'

interface TokenList {
  tokens: { hash: string; at: number }[]
}

/** An admin account that can sign in: not deleted, not switched off. */
export async function hasActiveAdmin(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM records r JOIN credentials c ON c.user_id = r.id
      WHERE r.entity = 'users' AND NOT r.deleted AND r.data->>'role' = 'admin' AND NOT c.disabled LIMIT 1`,
  )
  return rows.length > 0
}

/** Step 1: a new token when no admin exists (null otherwise). Call once per start. */
export async function issueSetupToken(db: Database, now = Date.now()): Promise<string | null> {
  return db.transaction(async (tx) => {
    if (await hasActiveAdmin(tx)) {
      // An admin was made some other way (the CLI): old addresses must not linger.
      await tx.query('DELETE FROM server_meta WHERE key = $1', [SETUP_META_KEY])
      return null
    }
    const token = newToken()
    const list = await lockedList(tx)
    const tokens = [...(list?.tokens ?? []), { hash: hashToken(token), at: now }].slice(-MAX_TOKENS)
    await tx.query(
      `INSERT INTO server_meta (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [SETUP_META_KEY, JSON.stringify({ tokens } satisfies TokenList)],
    )
    return token
  })
}

async function lockedList(tx: Queryable): Promise<TokenList | null> {
  const { rows } = await tx.query<{ value: TokenList }>('SELECT value FROM server_meta WHERE key = $1 FOR UPDATE', [SETUP_META_KEY])
  const value = rows[0]?.value
  return value && Array.isArray(value.tokens) ? value : null
}

/** The set-up address printed at start: the console's page, the token in the fragment. */
export function setupUrl(origin: string, token: string): string {
  return `${origin}${SETUP_PATH}#t=${token}`
}

export const SETUP_DONE_MESSAGE = '已经有管理员账号，首次设置不能再用。请用管理员账号登录。'
export const SETUP_TOKEN_MESSAGE = '设置地址无效或已用过。请重新启动服务器，使用它新显示的设置地址。'

export interface FirstAdmin {
  token: string
  name: string
  username: string
  password: string
}

/** What is wrong with the form, in words; null when it may be stored. */
export function firstAdminProblem(a: Omit<FirstAdmin, 'token'>): string | null {
  const name = nameProblem(a.name, '姓名')
  if (name) return name
  // The same rule as 人员 › 新建人员 (server/admin/people.ts).
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(a.username.trim())) return '用户名只能用 2–64 位字母、数字、点、- 或 _'
  switch (newPasswordProblem(a.password, a.password)) {
    case 'required':
      return '请设置密码'
    case 'tooShort':
      return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`
    case 'tooLong':
      return `密码最多 ${MAX_PASSWORD_LENGTH} 个字符`
    case 'nul':
      return '密码不能包含空字符'
    default:
      return null
  }
}

/**
 * Step 2: creates the first admin with `passwordHash` (hashed by the caller, outside the
 * transaction: the KDF is slow and must not hold the embedded database's one connection).
 * Throws an HttpError in words — nothing is stored then.
 */
export async function createFirstAdmin(
  db: Database,
  a: Omit<FirstAdmin, 'password'> & { passwordHash: string },
  now = Date.now(),
): Promise<{ user: User; username: string }> {
  return db.transaction(async (tx) => {
    const list = await lockedList(tx)
    if (await hasActiveAdmin(tx)) throw new HttpError(409, 'setup_done', SETUP_DONE_MESSAGE)
    const hash = hashToken(a.token)
    if (!list?.tokens.some((t) => t.hash === hash)) throw new HttpError(410, 'setup_token_invalid', SETUP_TOKEN_MESSAGE)
    const username = normalizeUsername(a.username)
    const { rows } = await tx.query('SELECT 1 FROM credentials WHERE username = $1', [username])
    if (rows.length) throw new HttpError(409, 'duplicate_username', `用户名“${username}”已被使用`)
    const user = parseWith(
      userSchema,
      { id: uuidv7(now), hlc: formatHlc({ wall: now, counter: 0, node: 'server' }), deleted: false, name: a.name.trim(), role: 'admin', gridIds: [], phone: '' },
      '管理员',
    )
    await putWholeRecords(tx, 'users', [user])
    await tx.query('INSERT INTO credentials (user_id, username, password_hash) VALUES ($1::uuid, $2, $3)', [user.id, username, a.passwordHash])
    await tx.query('DELETE FROM server_meta WHERE key = $1', [SETUP_META_KEY])
    await tx.query(`INSERT INTO audit_log (user_id, action, detail) VALUES ($1::uuid, 'setup.first_admin', $2::jsonb)`, [
      user.id,
      JSON.stringify({ userId: user.id, name: user.name, username }),
    ])
    return { user, username }
  })
}

/** A bad form before anything is hashed or locked. */
export function checkFirstAdmin(a: Omit<FirstAdmin, 'token'>): void {
  const problem = firstAdminProblem(a)
  if (problem) throw badRequest(problem, 'invalid_first_admin')
}
