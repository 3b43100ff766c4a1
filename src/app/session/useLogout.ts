/**
 * 退出登录, the same on the phone's 我的 and in the console's frame: say what is still unsent
 * (logging out discards it), and only on 确定 stop syncing, log out and go to the login page.
 */
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { showConfirmDialog } from '@/ui/vant/dialog'
import { useAccountStore } from './account.store'
import { useSyncStore } from './sync.store'

export function useLogout(): () => Promise<void> {
  const { t } = useI18n()
  const router = useRouter()
  const account = useAccountStore()
  return async () => {
    const pending = await account.pendingCount()
    const confirmed = await showConfirmDialog({
      message: pending > 0 ? t('account.me.logoutPending', { count: pending }) : t('account.me.logoutConfirm'),
      confirmButtonText: t('account.me.logoutConfirmButton'),
      cancelButtonText: t('common.cancel'),
    }).then(
      () => true,
      () => false,
    )
    if (!confirmed) return
    useSyncStore().stop()
    await account.logout()
    await router.replace({ name: 'login' })
  }
}
