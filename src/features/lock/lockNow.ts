/**
 * 锁定 (我的) and the background lock: the key leaves memory, sync stops (it could only fail on
 * sealed rows), and the page the person was on waits behind 输入PIN码.
 */
import type { Router } from 'vue-router'
import { useSyncStore } from '@/app/session/sync.store'
import { useLockStore } from './lock.store'

export async function lockNow(router: Router): Promise<void> {
  const lock = useLockStore()
  if (!lock.hasPin) return
  useSyncStore().stop()
  await lock.lock()
  const here = router.currentRoute.value
  if (here.meta.lockScreen || here.meta.public) return
  await router.replace({ name: 'unlock', query: here.fullPath !== '/today' ? { redirect: here.fullPath } : {} })
}
