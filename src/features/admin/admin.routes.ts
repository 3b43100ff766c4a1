/**
 * 设置 (administration) inside the console's frame: absolute paths under /console/admin, the
 * console's own layout and guard (supervisors and admins; the server narrows a supervisor to
 * their community).
 */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { canUseConsole } from '@/features/supervisor/supervisor.models'

export default [
  {
    path: '/console/admin',
    component: () => import('@/features/supervisor/SupervisorLayout.vue'),
    beforeEnter: () => (canUseConsole(useAccountStore().user?.role) ? true : { path: '/today' }),
    children: [
      { path: '', redirect: '/console/admin/grids' },
      { path: '/console/admin/grids', name: 'admin-grids', component: () => import('./AdminGridsPage.vue') },
      { path: '/console/admin/people', name: 'admin-people', component: () => import('./AdminPeoplePage.vue') },
      { path: '/console/admin/buildings', name: 'admin-buildings', component: () => import('./AdminBuildingsPage.vue') },
      { path: '/console/admin/settings', name: 'admin-settings', component: () => import('./AdminSettingsPage.vue') },
    ],
  },
] satisfies RouteRecordRaw[]
