/**
 * The app database's name, in a module of its own (no Dexie): the start-up session check asks
 * the browser whether it exists before loading the database code (src/app/session/account.store.ts).
 */
export const APP_DB_NAME = 'fullgrid'

/**
 * True when this origin holds no app database at all (a new phone, or its data cleared), so it
 * has no session either; false when it does or the browser cannot say (no indexedDB.databases()).
 * Asking creates nothing, unlike opening the database.
 */
export async function appDbIsAbsent(): Promise<boolean> {
  try {
    const list = await globalThis.indexedDB?.databases?.()
    return Array.isArray(list) && !list.some((d) => d.name === APP_DB_NAME)
  } catch {
    return false
  }
}
