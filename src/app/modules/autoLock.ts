/**
 * The background lock (issue 19): after the community's 手机自动锁定 minutes out of sight the
 * phone locks. A timer locks it while still hidden, so the key does not stay in memory of an
 * app left in the background; the check on return covers a timer the browser held back.
 * lockNow (with the sync store and the write path behind it) loads only when the phone locks,
 * so none of it is in the entry chunk (issue 20).
 */
import type { Router } from 'vue-router'
import { lockIsDue } from '@/features/lock/lock.models'
import { loadAppConfig, lockMinutesOf } from '@/features/map/map.config'
import type { AppContext } from './types'

async function lockNow(router: Router): Promise<void> {
  await (await import('@/features/lock/lockNow')).lockNow(router)
}

export function install({ router }: AppContext): void {
  const doc = globalThis.document
  if (!doc) return
  let hiddenAt: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const minutes = async () => lockMinutesOf(await loadAppConfig())

  doc.addEventListener('visibilitychange', async () => {
    if (doc.visibilityState === 'hidden') {
      hiddenAt = Date.now()
      const ms = (await minutes()) * 60_000
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void lockNow(router), ms)
      return
    }
    if (timer) clearTimeout(timer)
    timer = null
    const due = lockIsDue(hiddenAt, Date.now(), await minutes())
    hiddenAt = null
    if (due) await lockNow(router)
  })
}
