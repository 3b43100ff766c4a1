/**
 * The server's escrow key (issue 19; the envelope is src/domain/escrow.ts): one ECDH P-256 pair,
 * made by the first process that needs it and kept in `server_keys` (migration 046), so it is the
 * same on PGlite and PostgreSQL, across restarts and for every process of one database. The
 * private half never leaves the database; a backup carries it with the data it opens.
 */
import { randomBytes } from 'node:crypto'
import { agreeEscrowKey, importEcPublic, openEscrow, type EcPublicJwk, type EscrowEnvelope } from '../../src/domain/escrow'
import type { Database } from '../db/adapter'

const PURPOSE = 'escrow'
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

export interface EscrowKey {
  kid: string
  publicKey: EcPublicJwk
  privateKey: CryptoKey
}

const loaded = new WeakMap<Database, Promise<EscrowKey>>()

/** The escrow key of this database, made on first use (two processes at once keep one). */
export function escrowKey(db: Database): Promise<EscrowKey> {
  let p = loaded.get(db)
  if (!p) {
    p = loadOrCreate(db)
    p.catch(() => loaded.delete(db))
    loaded.set(db, p)
  }
  return p
}

async function loadOrCreate(db: Database): Promise<EscrowKey> {
  const read = () => db.query<{ kid: string; public_jwk: EcPublicJwk; private_jwk: JsonWebKey }>('SELECT kid, public_jwk, private_jwk FROM server_keys WHERE purpose = $1', [PURPOSE])
  let { rows } = await read()
  if (!rows.length) {
    const pair = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
    const pub = await crypto.subtle.exportKey('jwk', pair.publicKey)
    const priv = await crypto.subtle.exportKey('jwk', pair.privateKey)
    const kid = randomBytes(12).toString('base64url')
    const publicJwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y! }
    await db.query('INSERT INTO server_keys (kid, purpose, public_jwk, private_jwk) VALUES ($1, $2, $3::jsonb, $4::jsonb) ON CONFLICT (purpose) DO NOTHING', [
      kid, PURPOSE, JSON.stringify(publicJwk), JSON.stringify(priv),
    ])
    ;({ rows } = await read())
  }
  const row = rows[0]!
  const privateKey = await crypto.subtle.importKey('jwk', row.private_jwk, ECDH, false, ['deriveBits'])
  return { kid: row.kid, publicKey: { kty: 'EC', crv: 'P-256', x: row.public_jwk.x, y: row.public_jwk.y }, privateKey }
}

/**
 * Opens envelopes with the server key; the key agreed with each phone session (one epk) is kept
 * for the opener's life (one request), so a batch of one session costs one ECDH.
 */
export function envelopeOpener(key: EscrowKey): (env: EscrowEnvelope) => Promise<unknown> {
  const sessions = new Map<string, Promise<Uint8Array>>()
  return async (env) => {
    if (env.kid !== key.kid) throw new Error(`sealed to another server key (${env.kid}); it waits for the phone's unlocked push`)
    const id = `${env.epk.x}.${env.epk.y}`
    let agreed = sessions.get(id)
    if (!agreed) sessions.set(id, (agreed = importEcPublic(env.epk).then((peer) => agreeEscrowKey(key.privateKey, peer, key.kid))))
    let k: Uint8Array
    try {
      k = await agreed
    } catch {
      throw new Error('the envelope carries no valid P-256 key')
    }
    try {
      return openEscrow(k, env)
    } catch {
      throw new Error('the envelope does not open (altered, or not sealed to this server)')
    }
  }
}
