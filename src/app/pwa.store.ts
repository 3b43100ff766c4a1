/**
 * The app's own update state. A new version downloads in the background; it is activated only
 * when the person taps "update" (DESIGN §8.4), never in the middle of their work.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'

export const usePwaStore = defineStore('pwa', () => {
  /** A fully precached new version is waiting. */
  const updateAvailable = ref(false)
  const updating = ref(false)
  let activate: (() => void) | null = null

  /** Called by the registration module when a new worker is installed and waiting. */
  function offerUpdate(activateNewVersion: () => void): void {
    activate = activateNewVersion
    updateAvailable.value = true
  }

  function applyUpdate(): void {
    if (!activate) return
    updating.value = true
    activate()
  }

  function dismiss(): void {
    updateAvailable.value = false
  }

  return { updateAvailable, updating, offerUpdate, applyUpdate, dismiss }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePwaStore, import.meta.hot))
