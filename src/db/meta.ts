/** Small facts the phone keeps beside its records: device id, session, sync cursor, clock. */
import type { Transaction } from 'dexie'
import type { LoginResponse } from '../domain/auth'
import type { EscrowKeyResponse } from '../domain/escrow'
import type { FullGridDb } from './schema'

export interface MetaValues {
  deviceId: string
  /** The login kept for offline use: the token and who it belongs to. */
  session: LoginResponse
  /** Opaque pull cursor from the server. */
  syncCursor: string
  /** Last HLC stamp issued or received on this device. */
  hlc: string
  lastSyncAt: number
  /** Server time minus local time, from the `Date` of the last answers (ms; see clock.ts). */
  clockOffset: number
  /** The server's escrow public key (not secret; kept in the clear, src/domain/escrow.ts). */
  escrowKey: EscrowKeyResponse
}
export type MetaKey = keyof MetaValues

type Store = Pick<FullGridDb, 'meta'> | Transaction

function metaTable(store: Store) {
  return 'meta' in store && typeof (store as FullGridDb).meta?.get === 'function'
    ? (store as FullGridDb).meta
    : (store as Transaction).table('meta')
}

export async function getMeta<K extends MetaKey>(store: Store, key: K): Promise<MetaValues[K] | undefined> {
  const row = await metaTable(store).get(key)
  return row?.value as MetaValues[K] | undefined
}

export async function setMeta<K extends MetaKey>(store: Store, key: K, value: MetaValues[K]): Promise<void> {
  await metaTable(store).put({ key, value })
}

export async function deleteMeta(store: Store, key: MetaKey): Promise<void> {
  await metaTable(store).delete(key)
}

/** The device id, made once per installation (it binds the session and names HLC stamps). */
export async function ensureDeviceId(db: FullGridDb, make: () => string): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await getMeta(db, 'deviceId')
    if (existing) return existing
    const id = make()
    await setMeta(db, 'deviceId', id)
    return id
  })
}
