/**
 * 锁定 (我的) and the background lock. The key leaves memory, and so does everything opened with
 * it: the page starts again at 输入PIN码 (a full load, not a route change), so no store, watch or
 * screen keeps a resident's data decrypted in memory, and none is left watching a sealed table.
 * Drafts are in IndexedDB already (src/db/drafts.ts); the PIN brings the person back to this page.
 */
import type { Router } from 'vue-router'
import { useSyncStore } from '@/app/session/sync.store'
import { useLockStore } from './lock.store'

export function unlockAddress(fullPath: string): string {
  return fullPath === '/today' || fullPath === '/' ? '/lock' : `/lock?redirect=${encodeURIComponent(fullPath)}`
}

export async function lockNow(router: Router): Promise<void> {
  const lock = useLockStore()
  if (!lock.hasPin) return
  useSyncStore().stop()
  await lock.lock()
  const here = router.currentRoute.value
  if (here.meta.lockScreen || here.meta.public) return
  globalThis.location?.assign(unlockAddress(here.fullPath))
}
