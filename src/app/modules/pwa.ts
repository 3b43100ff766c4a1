/**
 * Service worker registration (production builds only: the dev server has no precache), after
 * the router is ready so the first screen is never competing with the precache download.
 * workbox-window reports a new version once it is installed (fully precached) and waiting; the
 * page reloads only after the person taps 立即更新 and no form or patrol holds the update
 * (src/app/pwa.store.ts). A version activated from another tab does not reload this one.
 */
import { watch } from 'vue'
import type { AppContext } from './types'
import { usePwaStore } from '../pwa.store'
import { useStorageStore } from '../storage.store'
import { useAccountStore } from '../session/account.store'

/** How often an open app asks the server for a new version (also on returning to the app). */
const UPDATE_CHECK_MS = 60 * 60 * 1000

export function install({ router, pinia }: AppContext): void {
  // Ask the browser not to evict our IndexedDB under storage pressure (DESIGN §8.4), once someone
  // is signed in: before that the phone holds nothing to keep, and the eviction hook's database
  // code stays off the login page (issue 20).
  void router.isReady().then(() => {
    const account = useAccountStore(pinia)
    let asked = false
    watch(
      () => account.isLoggedIn,
      (signedIn) => {
        if (!signedIn || asked) return
        asked = true
        void useStorageStore(pinia).requestPersistence()
      },
      { immediate: true },
    )
  })
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return

  void router.isReady().then(async () => {
    const { Workbox } = await import('workbox-window')
    const wb = new Workbox('/sw.js', { scope: '/' })
    const pwa = usePwaStore(pinia)

    // 'waiting' fires only once the new worker has installed, i.e. its precache is complete.
    wb.addEventListener('waiting', () => {
      pwa.offerUpdate(() => {
        wb.addEventListener('controlling', () => window.location.reload())
        wb.messageSkipWaiting()
      })
    })

    try {
      await wb.register()
    } catch (err) {
      console.warn('[pwa] service worker registration failed', err)
      return
    }
    const check = () => void wb.update().catch(() => undefined)
    setInterval(check, UPDATE_CHECK_MS)
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && navigator.onLine && check())
  })
}
