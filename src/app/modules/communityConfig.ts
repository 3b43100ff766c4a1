/**
 * The signed-in person's community settings on this phone: whenever the session changes (the
 * stored one read at start, a login, a QR sign-in, a logout), /api/config is asked again with the
 * new token, so 今日, 日日巡 and every date count days in that community's zone (社区设置) and
 * the lock time (issue 19) is the community's.
 */
import { watch } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import { setConfigSession } from '@/features/map/map.config'
import type { AppContext } from './types'

export function install({ pinia }: AppContext): void {
  const account = useAccountStore(pinia)
  watch(
    () => account.session?.token ?? null,
    (token) => void setConfigSession(token),
  )
}
