/**
 * The app's own update state. A new version downloads in the background; it is activated only
 * when the person taps 立即更新 (DESIGN §8.4), and even then not while work is open on screen:
 * a form with unsaved input or a recording patrol holds the update (hold()), and the reload
 * happens once the last hold is released — never in the middle of their work.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'

export const usePwaStore = defineStore('pwa', () => {
  /** A fully precached new version is waiting. */
  const updateAvailable = ref(false)
  /** The person asked for the update; it runs as soon as nothing holds it. */
  const requested = ref(false)
  const updating = ref(false)
  /** What holds the update back now, by a key per kind of work ('visit-form', 'patrol', …). */
  const holds = reactive(new Set<string>())
  const held = computed(() => holds.size > 0)
  let activate: (() => void) | null = null

  /** Called by the registration module when a new worker is installed and waiting. */
  function offerUpdate(activateNewVersion: () => void): void {
    activate = activateNewVersion
    updateAvailable.value = true
  }

  /** Work that must not be interrupted by a reload starts (on = true) or ends (on = false). */
  function hold(key: string, on: boolean): void {
    if (on) holds.add(key)
    else holds.delete(key)
  }

  function run(): void {
    if (!activate || updating.value) return
    updating.value = true
    activate()
  }

  function applyUpdate(): void {
    requested.value = true
    if (!held.value) run()
  }

  watch(held, (isHeld) => {
    if (!isHeld && requested.value) run()
  })

  function dismiss(): void {
    updateAvailable.value = false
    requested.value = false
  }

  return { updateAvailable, requested, updating, held, offerUpdate, hold, applyUpdate, dismiss }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePwaStore, import.meta.hot))
