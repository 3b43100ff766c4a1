/**
 * The phone's half of the outbox's escrow copies (issue 19; the envelope is src/domain/escrow.ts).
 *
 * While unlocked, with the server's escrow key known (fetched by the page's sync, a clear meta
 * row), one escrow session is opened per unlock; the one write path (repository.ts) then seals
 * each outbox row's mutation to it as well (one AES-GCM encrypt per write). The copy stays in the
 * clear beside the sealed row (crypto/middleware.ts CLEAR_FIELDS), so a locked phone — the service
 * worker's Background Sync, the fifth wrong PIN — reads it below the middleware and sends it to
 * `POST /api/sync/push-escrowed` without the data key. Photos (blobs) are not escrowed: they wait
 * for the unlock, and so does every row written before the key was known.
 */
import { escrowEnvelopeSchema, openEscrowSession, sealEscrow, type EscrowEnvelope } from '../domain/escrow'
import type { Mutation } from '../domain/sync'
import { currentEscrowSession, isUnlocked, setEscrowSession } from './crypto/keyring'
import { getMeta } from './meta'
import { issuesOfEvents } from './outbox'
import type { FullGridDb } from './schema'

/** Opens this unlock's escrow session if the key is known (no-op when locked or not yet fetched). */
export async function startEscrowSession(db: FullGridDb): Promise<boolean> {
  if (!isUnlocked()) return false
  const [server, deviceId] = await Promise.all([getMeta(db, 'escrowKey'), getMeta(db, 'deviceId')])
  if (!server || !deviceId) return false
  const have = currentEscrowSession()
  if (have && have.kid === server.kid && have.deviceId === deviceId) return true
  const session = await openEscrowSession(server, deviceId)
  // Locked meanwhile: the session must not outlive the key.
  if (!isUnlocked()) return false
  setEscrowSession(session)
  return true
}

/** The escrow copy of a mutation being queued, or undefined (locked, or no escrow key yet). Synchronous. */
export function escrowCopy(mutation: Mutation): EscrowEnvelope | undefined {
  const session = currentEscrowSession()
  return session ? sealEscrow(session, mutation) : undefined
}

export interface ClearOutboxRow {
  id: string
  recordId: string
  escrow?: EscrowEnvelope
}

/**
 * The outbox's clear parts (id, recordId, escrow) read straight from IndexedDB, below the sealing
 * middleware: readable without the data key. In id order (UUIDv7: the order of the writes; the
 * server orders each batch by HLC again).
 */
export async function readClearOutbox(db: FullGridDb): Promise<ClearOutboxRow[]> {
  if (!db.isOpen()) await db.open()
  const idb = db.backendDB()
  const raw = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
    const req = idb.transaction('outbox', 'readonly').objectStore('outbox').getAll()
    req.onsuccess = () => resolve(req.result as Record<string, unknown>[])
    req.onerror = () => reject(req.error)
  })
  const rows = raw.map((r) => {
    const escrow = escrowEnvelopeSchema.safeParse(r.escrow)
    return { id: String(r.id), recordId: String(r.recordId), ...(escrow.success ? { escrow: escrow.data } : {}) }
  })
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export interface EscrowTally {
  /** Unsynced records (waiting or 需处理), an issue with its events counted once. */
  records: number
  /** Of them, those whose every waiting change has an escrow copy (or, given `accepted`, was accepted). */
  covered: number
  /** records − covered: what a wipe now would destroy. */
  lost: number
}

/**
 * How many unsynced records the escrow copies cover, from clear fields and indexes only. Before
 * the last try: those that can be sent; after the send (with the mutation ids the server
 * accepted): those that were sent. A record in 需处理 never counts as covered (the server refused it).
 */
export async function escrowTally(db: FullGridDb, accepted?: ReadonlySet<string>): Promise<EscrowTally> {
  const [rows, refusedIds] = await Promise.all([readClearOutbox(db), db.rejected.orderBy('recordId').uniqueKeys()])
  const ids = new Set([...rows.map((r) => r.recordId), ...refusedIds.map(String)])
  const issueOf = await issuesOfEvents(db, ids)
  const group = (id: string) => issueOf.get(id) ?? id
  const uncovered = new Set(refusedIds.map((id) => group(String(id))))
  const all = new Set([...ids].map(group))
  for (const r of rows) {
    const ok = accepted ? accepted.has(r.id) : r.escrow !== undefined
    if (!ok) uncovered.add(group(r.recordId))
  }
  return { records: all.size, covered: all.size - uncovered.size, lost: uncovered.size }
}
