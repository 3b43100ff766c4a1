/**
 * A one-bit hint in localStorage: was someone logged in when the app last ran? Only used to start
 * downloading the likely first screen while IndexedDB is asked (src/app/modules/prefetch.ts);
 * the session itself, and every decision about it, stays in IndexedDB.
 */
const KEY = 'fullgrid.hasSession'

export function sessionHint(): boolean | null {
  try {
    const v = localStorage.getItem(KEY)
    return v === null ? null : v === '1'
  } catch {
    return null
  }
}

export function rememberSessionHint(loggedIn: boolean): void {
  try {
    localStorage.setItem(KEY, loggedIn ? '1' : '0')
  } catch {
    // Storage disabled: no hint, the first screen loads after the session check as before.
  }
}
