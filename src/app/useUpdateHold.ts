/**
 * Holds a waiting app update while `busy()` is true (a form with unsaved input, a recording
 * patrol) and releases it when it turns false or the component unmounts (src/app/pwa.store.ts).
 */
import { onScopeDispose, watch } from 'vue'
import { usePwaStore } from './pwa.store'

export function useUpdateHold(key: string, busy: () => boolean): void {
  const pwa = usePwaStore()
  watch(busy, (on) => pwa.hold(key, on), { immediate: true })
  onScopeDispose(() => pwa.hold(key, false))
}
