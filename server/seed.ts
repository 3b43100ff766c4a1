/**
 * Seeding the demo community (`FULLGRID_DEMO=1`): every record and every demo account in one
 * transaction, once. Several processes starting together on one PostgreSQL seed it once: the
 * advisory lock makes the second wait and then find the marker.
 */
import type { Database } from './db/adapter'
import { ENTITY_NAMES, type AnyRecord, type EntityName, type EntityTypes, type Role, type User } from '../src/domain/entities'
import { formatHlc } from '../src/domain/hlc'
import { uuidv7 } from '../src/domain/ids'
import { putWholeRecords } from './records'
import { hashPassword } from './auth/password'

/** What demo/generate.ts produces (structurally; seeding needs nothing else from it). */
export interface DemoCommunity {
  communityId: string
  records: { [E in EntityName]: EntityTypes[E][] }
  accounts: { username: string; userId: string; role: Role }[]
}

export interface DemoMarker {
  communityId: string
  seededAt: number
  accounts: { username: string; role: Role }[]
  records: number
}

export const DEMO_META_KEY = 'demo'
export const DEMO_PASSWORD = 'demo1234'
const SEED_LOCK = 7135_0002

export async function demoMarker(db: Database): Promise<DemoMarker | null> {
  const { rows } = await db.query<{ value: DemoMarker }>('SELECT value FROM server_meta WHERE key = $1', [DEMO_META_KEY])
  return rows[0]?.value ?? null
}

/**
 * Inserts the community and its accounts unless a demo was seeded before.
 * Returns the marker and whether this call seeded.
 */
export async function seedDemo(
  db: Database,
  community: DemoCommunity,
  password = DEMO_PASSWORD,
): Promise<{ seeded: boolean; marker: DemoMarker }> {
  const existing = await demoMarker(db)
  if (existing) return { seeded: false, marker: existing }
  // One hash for every account: scrypt is deliberately slow, and these passwords are public anyway.
  const passwordHash = await hashPassword(password)
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK])
    const { rows } = await tx.query<{ value: DemoMarker }>('SELECT value FROM server_meta WHERE key = $1', [DEMO_META_KEY])
    if (rows[0]) return { seeded: false, marker: rows[0].value }

    // Track segments and issue events are scoped by their parent's grid, as push stores them:
    // a supervisor sees the tracks of their community's patrols (server/sync/scope.ts).
    const parentGrid = new Map<string, string>()
    for (const p of community.records.patrols ?? []) parentGrid.set(p.id, p.gridId)
    for (const i of community.records.issues ?? []) parentGrid.set(i.id, i.gridId)
    const byParent = (field: 'patrolId' | 'issueId') => (r: AnyRecord) => parentGrid.get((r as unknown as Record<string, string>)[field]) ?? null
    let count = 0
    for (const entity of ENTITY_NAMES) {
      const records = community.records[entity] ?? []
      const gridId = entity === 'trackSegments' ? byParent('patrolId') : entity === 'issueEvents' ? byParent('issueId') : undefined
      await putWholeRecords(tx, entity, records, gridId ? { gridId } : {})
      count += records.length
    }
    for (const a of community.accounts) {
      await tx.query(
        `INSERT INTO credentials (user_id, username, password_hash) VALUES ($1::uuid, $2, $3)
         ON CONFLICT (username) DO NOTHING`,
        [a.userId, a.username.toLowerCase(), passwordHash],
      )
    }
    // The street office's administrator (issue 18): sets up communities, grids and people in the console.
    const admin: User = {
      id: uuidv7(), hlc: formatHlc({ wall: Date.now(), counter: 0, node: 'server' }), deleted: false,
      name: '街道管理员', role: 'admin', gridIds: [], phone: '',
    }
    const { rows: adminTaken } = await tx.query(`SELECT 1 FROM credentials WHERE username = 'admin'`)
    if (!adminTaken.length) {
      await putWholeRecords(tx, 'users', [admin])
      await tx.query(`INSERT INTO credentials (user_id, username, password_hash) VALUES ($1::uuid, 'admin', $2)`, [admin.id, passwordHash])
    }
    const marker: DemoMarker = {
      communityId: community.communityId,
      seededAt: Date.now(),
      accounts: [...community.accounts.map((a) => ({ username: a.username, role: a.role })), ...(adminTaken.length ? [] : [{ username: 'admin', role: 'admin' as const }])],
      records: count,
    }
    await tx.query('INSERT INTO server_meta (key, value) VALUES ($1, $2::jsonb)', [DEMO_META_KEY, JSON.stringify(marker)])
    return { seeded: true, marker }
  })
}
