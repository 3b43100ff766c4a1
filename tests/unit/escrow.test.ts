import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId, setMeta } from '@/db'
import { KeyVault, lockKey, setDataKey, setEncryptionRequired } from '@/db/crypto'
import { currentEscrowSession } from '@/db/crypto/keyring'
import { SEALED, isSealed } from '@/db/crypto/middleware'
import { escrowTally, readClearOutbox, startEscrowSession } from '@/db/escrow'
import { escrowEnvelopeSchema, openEscrowSession, sealEscrow, type EscrowKeyResponse } from '@/domain/escrow'
import { uuidv7 } from '@/domain/ids'
import type { Mutation } from '@/domain/sync'
import { toMutation } from '@/sync/pushOutbox'
import { envelopeOpener, type EscrowKey } from '../../server/sync/escrowKey'
import * as f from '../factories'

const NAME = '王秀英'
const ID_NUMBER = '370285194001011234'
const gridId = uuidv7()

/** A server escrow key as server/sync/escrowKey.ts keeps it, made here without a database. */
async function serverKey(kid = 'k1'): Promise<{ key: EscrowKey; pub: EscrowKeyResponse }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const publicKey = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! }
  return { key: { kid, publicKey, privateKey: pair.privateKey }, pub: { kid, publicKey } }
}

const mutation = (): Mutation => ({ id: uuidv7(), entity: 'households', recordId: uuidv7(), op: 'put', fields: { notes: NAME }, hlc: '0000019a00000000-0000-phone1' })

let n = 0
const dbs: FullGridDb[] = []
function open(): FullGridDb {
  const db = new FullGridDb(`escrow-${n++}`)
  dbs.push(db)
  return db
}
afterEach(async () => {
  lockKey()
  setEncryptionRequired(false)
  for (const db of dbs.splice(0)) await db.delete()
})

describe('escrow envelope', () => {
  it('round-trips through the server-side opener; the device id travels inside', async () => {
    const { key, pub } = await serverKey()
    const session = await openEscrowSession(pub, 'phone1')
    const m = mutation()
    const env = sealEscrow(session, m)
    expect(escrowEnvelopeSchema.parse(env)).toEqual(env)
    expect(JSON.stringify(env)).not.toContain(NAME)
    expect(await envelopeOpener(key)(env)).toEqual({ deviceId: 'phone1', mutation: m })
    // A fresh IV per envelope: the same mutation twice gives two ciphertexts.
    expect(sealEscrow(session, m).ct).not.toBe(env.ct)
  })

  it('does not open when altered, for another server key, or with another session key swapped in', async () => {
    const { key, pub } = await serverKey()
    const other = await serverKey('k2')
    const env = sealEscrow(await openEscrowSession(pub, 'phone1'), mutation())
    const opener = envelopeOpener(key)
    const flipped = env.ct.startsWith('A') ? `B${env.ct.slice(1)}` : `A${env.ct.slice(1)}`
    await expect(opener({ ...env, ct: flipped })).rejects.toThrow('does not open')
    await expect(envelopeOpener(other.key)(env)).rejects.toThrow('another server key')
    // The same kid on another key pair (a server database made again): no secret in common.
    await expect(envelopeOpener({ ...other.key, kid: 'k1' })(env)).rejects.toThrow('does not open')
    const stranger = sealEscrow(await openEscrowSession(pub, 'phone1'), mutation())
    await expect(opener({ ...env, epk: stranger.epk })).rejects.toThrow('does not open')
  })
})

describe('the outbox escrow copy', () => {
  async function unlockedRepo(withKey: boolean) {
    setDataKey(crypto.getRandomValues(new Uint8Array(32)))
    const db = open()
    await ensureDeviceId(db, () => 'phone1')
    const server = await serverKey()
    if (withKey) await setMeta(db, 'escrowKey', server.pub)
    expect(await startEscrowSession(db)).toBe(withKey)
    return { db, repo: new Repository(db), server }
  }

  it('is written with each row when the escrow key is known: exactly what push would send', async () => {
    const { db, repo, server } = await unlockedRepo(true)
    const { id: _h, ...h } = f.newRecord(f.household(gridId, { headName: NAME, members: [{ name: NAME, relation: '户主', gender: 'female', birthYear: 1940, idNumber: ID_NUMBER, phone: '13800001234', tags: [] }] }))
    const made = await repo.create('households', h)
    await repo.update('households', made.id, { notes: '独居' })
    const entries = await db.outbox.toArray()
    expect(entries).toHaveLength(2)
    const opener = envelopeOpener(server.key)
    for (const e of entries) expect(await opener(e.escrow!)).toEqual({ deviceId: 'phone1', mutation: toMutation(e) })
    // One session per unlock: both rows share its ephemeral key.
    expect(entries[0]!.escrow!.epk).toEqual(entries[1]!.escrow!.epk)
  })

  it('is absent when no escrow key is known yet (the row waits for the unlock, as before)', async () => {
    const { db, repo } = await unlockedRepo(false)
    const { id: _h, ...h } = f.newRecord(f.household(gridId))
    await repo.create('households', h)
    const [e] = await db.outbox.toArray()
    expect(e!.escrow).toBeUndefined()
    expect((await readClearOutbox(db))[0]!.escrow).toBeUndefined()
  })

  it('is left in the clear by the middleware beside the sealed rest, and read while locked', async () => {
    const { db, repo, server } = await unlockedRepo(true)
    const { id: _h, ...h } = f.newRecord(f.household(gridId, { headName: NAME, members: [{ name: NAME, relation: '户主', gender: 'female', birthYear: 1940, idNumber: ID_NUMBER, phone: '13800001234', tags: [] }] }))
    await repo.create('households', h)
    const raw = new Dexie(db.name)
    await raw.open()
    const [row] = (await raw.table('outbox').toArray()) as Record<string, unknown>[]
    raw.close()
    expect(isSealed(row)).toBe(true)
    expect(Object.keys(row!).sort()).toEqual(['escrow', 'id', 'recordId', SEALED].sort())
    expect(escrowEnvelopeSchema.safeParse(row!.escrow).success).toBe(true)
    const sealedText = new TextDecoder().decode(row![SEALED] as Uint8Array)
    expect(sealedText + JSON.stringify(row!.escrow)).not.toContain(NAME)

    lockKey()
    expect(currentEscrowSession()).toBeNull()
    await expect(db.outbox.toArray()).rejects.toThrow('手机已锁定')
    const clear = await readClearOutbox(db)
    expect(clear).toHaveLength(1)
    expect(await envelopeOpener(server.key)(clear[0]!.escrow!)).toMatchObject({ deviceId: 'phone1', mutation: { id: clear[0]!.id, entity: 'households' } })
  })

  it('counts while locked which unsynced records the copies cover and which a wipe would lose', async () => {
    const { db, repo } = await unlockedRepo(true)
    const a = await repo.create('households', (({ id: _i, ...r }) => r)(f.newRecord(f.household(gridId))))
    await repo.update('households', a.id, { notes: 'x' })
    // A row written before the key was known: its record cannot be sent without the unlock.
    await db.outbox.add({ id: uuidv7(), entity: 'households', recordId: uuidv7(), op: 'put', fields: {}, hlc: '1', queuedAt: 1, attempts: 0 })
    lockKey()
    expect(await escrowTally(db)).toEqual({ records: 2, covered: 1, lost: 1 })
    const rows = await readClearOutbox(db)
    expect(await escrowTally(db, new Set([rows[0]!.id]))).toEqual({ records: 2, covered: 0, lost: 2 })
    expect(await escrowTally(db, new Set(rows.filter((r) => r.escrow).map((r) => r.id)))).toEqual({ records: 2, covered: 1, lost: 1 })
  })
})

describe('the fifth wrong PIN', () => {
  const kdf = { kind: 'argon2id' as const, memoryKiB: 64, iterations: 1, parallelism: 1 }

  it('sends before it wipes, and a wipe cut short is finished by the next try, whatever its PIN', async () => {
    const name = `keys-escrow-${uuidv7()}`
    const order: string[] = []
    const v = new KeyVault(name, { kdf, onWipe: async () => void order.push('wipe'), beforeFinalWipe: async () => void order.push('send') })
    await v.setPin('480261')
    for (let i = 0; i < 4; i++) expect((await v.unlock('000001')).ok).toBe(false)
    expect(await v.unlock('000001')).toEqual({ ok: false, wiped: true })
    expect(order).toEqual(['send', 'wipe'])

    // The page closed while sending: the count is at five, the key still stored.
    let release!: () => void
    const stuck = new KeyVault(name, { kdf, beforeFinalWipe: () => new Promise<void>((r) => (release = r)) })
    await stuck.setPin('480261')
    for (let i = 0; i < 4; i++) await stuck.unlock('000001')
    void stuck.unlock('000001')
    await vi.waitFor(() => expect(release).toBeTypeOf('function'))
    const onWipe = vi.fn(async () => {})
    const again = new KeyVault(name, { kdf, onWipe })
    expect(await again.unlock('480261')).toEqual({ ok: false, wiped: true })
    expect(onWipe).toHaveBeenCalledOnce()
    expect(await again.hasPin()).toBe(false)
    release()
    await again.delete()
  })
})
