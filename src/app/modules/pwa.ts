/**
 * Service worker registration (production builds only: the dev server has no precache), after
 * the router is ready so the first screen is never competing with the precache download.
 */
import type { AppContext } from './types'
import { usePwaStore } from '../pwa.store'

export function install({ router, pinia }: AppContext): void {
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
    }

    // Ask the browser not to evict our IndexedDB under storage pressure (DESIGN §8.4).
    void navigator.storage?.persist?.().catch(() => false)
  })
}
