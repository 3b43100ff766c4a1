/**
 * The login kept on the phone, so the app opens to the tabs with no network. What is read back
 * is checked with the same schema as the server answer; a record that fails is kept under a
 * backup key instead of being thrown away (the person can still be asked to log in again).
 */
import { liveQuery } from 'dexie'
import { loginResponseSchema, type LoginResponse } from '../domain/auth'
import { deleteMeta, getMeta, setMeta } from './meta'
import { unsyncedRecordCount } from './outbox'
import type { FullGridDb } from './schema'

export interface StoredSession {
  session: LoginResponse
  /** The name typed at login; the server answer does not repeat it. */
  username: string
}

// Not part of MetaValues: only this file reads or writes these keys.
const USERNAME_KEY = 'sessionUsername'
const INVALID_KEY = 'sessionInvalid'

export async function saveSession(db: FullGridDb, session: LoginResponse, username: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await setMeta(db, 'session', session)
    await db.meta.put({ key: USERNAME_KEY, value: username })
  })
}

export async function loadSession(db: FullGridDb): Promise<StoredSession | null> {
  const raw = await getMeta(db, 'session')
  if (raw === undefined) return null
  const parsed = loginResponseSchema.safeParse(raw)
  if (!parsed.success) {
    await db.transaction('rw', db.meta, async () => {
      await db.meta.put({ key: INVALID_KEY, value: { at: Date.now(), raw } })
      await deleteMeta(db, 'session')
    })
    return null
  }
  const username = (await db.meta.get(USERNAME_KEY))?.value
  return { session: parsed.data, username: typeof username === 'string' ? username : '' }
}

/**
 * The session expired (重新登录): the token goes, the name of whose records these are stays
 * (sessionUsername, clear like the session), so the next login of the same account finds its
 * records and outbox, and another account's login wipes them first (sessionOwner).
 */
export async function endSession(db: FullGridDb): Promise<void> {
  await deleteMeta(db, 'session')
}

/** The account whose records this phone holds, '' when none. */
export async function sessionOwner(db: FullGridDb): Promise<string> {
  const v = (await db.meta.get(USERNAME_KEY))?.value
  return typeof v === 'string' ? v : ''
}

/** Forget the login only. Records, the outbox and the device id stay on the phone. */
export async function clearSession(db: FullGridDb): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await deleteMeta(db, 'session')
    await db.meta.delete(USERNAME_KEY)
  })
}

/**
 * Changes made on this phone that the server has not accepted: still queued in the outbox, or
 * rejected and waiting for the worker to fix them. Both would be lost with the phone.
 */
export function pendingChangeCount(db: FullGridDb): Promise<number> {
  // Counted by record, like 待同步 N 条 (an issue and its 上报 event are one).
  return unsyncedRecordCount(db)
}

/** How many households the phone holds, kept current while the first download fills the table. */
export function watchHouseholdCount(db: FullGridDb, onCount: (n: number) => void): () => void {
  const sub = liveQuery(() => db.households.count()).subscribe({ next: onCount, error: () => {} })
  return () => sub.unsubscribe()
}
