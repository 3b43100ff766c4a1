/**
 * The signed-in person's community settings on this phone: whenever the session changes (the
 * stored one read at start, a login, a QR sign-in, a logout), /api/config is asked again with the
 * new token (a phone that starts logged out asks nothing until it logs in), so 今日, 日日巡 and
 * every date count days in that community's zone (社区设置) and the lock time (issue 19) is the
 * community's.
 */
import { watch } from 'vue'
import { useAccountStore } from '@/app/session/account.store'
import { setConfigSession } from '@/features/map/map.config'
import type { AppContext } from './types'

export function install({ pinia }: AppContext): void {
  const account = useAccountStore(pinia)
  watch(
    // undefined until the stored session has been read (the router guard's first account.load()).
    () => (account.loaded ? (account.session?.token ?? null) : undefined),
    (token, before) => {
      if (token === undefined) return
      // A phone that opens logged out shows only the login page, with no date and no map: the
      // public answer (and its zod schema) waits until it is needed (issue 20); after a logout it is asked.
      if (token === null && before === undefined) return
      void setConfigSession(token)
    },
  )
}
