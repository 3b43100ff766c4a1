/**
 * /console/setup#t=… — 首次设置, public like /login (no account exists yet); and the set-up
 * guide at /console/admin/setup inside the console's frame, for admins (src/app/router.ts
 * mounts absolute paths beside the tab shell).
 */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'

export default [
  { path: '/console/setup', name: 'first-start', component: () => import('./SetupFirstAdminPage.vue'), meta: { public: true } },
  {
    path: '/console/admin/setup',
    component: () => import('@/features/supervisor/SupervisorLayout.vue'),
    beforeEnter: () => (useAccountStore().user?.role === 'admin' ? true : { path: '/console' }),
    children: [{ path: '', name: 'setup-guide', component: () => import('./SetupGuidePage.vue') }],
  },
] satisfies RouteRecordRaw[]
