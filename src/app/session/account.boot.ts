/**
 * The start-up session check (account.store load()): only what reading the device id and the
 * kept session needs, imported module by module rather than through src/db's barrel, so the
 * first screen waits for Dexie and the session schema, not the write path or the HTTP client.
 */
import { appDb } from '@/db/appDb'
import { ensureDeviceId } from '@/db/meta'
import { loadSession, type StoredSession } from '@/db/session'
import { makeDeviceId } from './device'

export function deviceId(): Promise<string> {
  return ensureDeviceId(appDb(), () => makeDeviceId())
}

export function storedSession(): Promise<StoredSession | null> {
  return loadSession(appDb())
}
