/**
 * Counts shown on the bottom tabs (今日: households due today and overdue). Features set their
 * own count here; the shell reads them — so the shell never imports a feature.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive } from 'vue'

export const useBadgesStore = defineStore('badges', () => {
  const counts = reactive<Record<string, number>>({})
  function set(tab: string, n: number): void {
    counts[tab] = n
  }
  return { counts, set }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useBadgesStore, import.meta.hot))
