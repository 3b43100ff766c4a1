/** 设备管理 under 我的, for supervisors and admins (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { canManageDevices } from './devices.models'

export default [
  {
    path: 'me/devices',
    name: 'devices',
    component: () => import('./DevicesPage.vue'),
    meta: { hideTabbar: true },
    // The app-wide guard has loaded the session by now; a worker goes back to 我的.
    beforeEnter: () => (canManageDevices(useAccountStore().user?.role) ? true : { name: 'me' }),
  },
] satisfies RouteRecordRaw[]
