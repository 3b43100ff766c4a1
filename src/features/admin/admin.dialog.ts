/** The administration's confirmations: one Vant dialog, true on its confirm button. */
import { showConfirmDialog } from '@/ui/vant/dialog'
import { i18n } from '@/app/i18n'

export function confirmAdmin(message: string, confirmButtonText?: string, danger = false): Promise<boolean> {
  const t = i18n.global.t
  return showConfirmDialog({
    message,
    confirmButtonText: confirmButtonText ?? t('admin.common.confirm'),
    cancelButtonText: t('admin.common.cancel'),
    ...(danger ? { confirmButtonColor: 'var(--van-danger-color, #ee0a24)' } : {}),
  }).then(
    () => true,
    () => false,
  )
}
