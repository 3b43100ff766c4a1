/**
 * Keeps the visit form's draft in IndexedDB as it is typed: 300 ms after the last change, and at
 * once when the page is hidden or left (a phone may kill a backgrounded tab without warning).
 * `canKeep` says when not to (before the form is ready, while an older draft is still on offer).
 */
import { onUnmounted, toRaw, watch } from 'vue'
import { draftHasContent, type VisitDraft } from './visits.models'

export function useVisitDraftKeeper(draft: VisitDraft, canKeep: () => boolean, keep: (draft: VisitDraft) => unknown): { cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined
  function cancel() {
    clearTimeout(timer)
    timer = undefined
  }
  function flush() {
    cancel()
    if (canKeep() && draftHasContent(draft)) void keep(structuredClone(toRaw(draft)))
  }
  watch(draft, () => {
    clearTimeout(timer)
    timer = setTimeout(flush, 300)
  })
  const onHide = () => document.visibilityState === 'hidden' && flush()
  document.addEventListener('visibilitychange', onHide)
  window.addEventListener('pagehide', flush)
  onUnmounted(() => {
    if (timer) flush()
    document.removeEventListener('visibilitychange', onHide)
    window.removeEventListener('pagehide', flush)
  })
  /** Stops a pending write (the form is being saved as a visit). */
  return { cancel }
}
