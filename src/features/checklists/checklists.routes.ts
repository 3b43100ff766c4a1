/**
 * 检查表 administration in the console: a top-level route with the console's own layout (the
 * router mounts absolute paths beside the tab shell), for supervisors and admins only.
 */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { canUseConsole } from '@/features/supervisor/supervisor.models'

export default [
  {
    path: '/console/admin/checklists',
    component: () => import('@/features/supervisor/SupervisorLayout.vue'),
    beforeEnter: () => (canUseConsole(useAccountStore().user?.role) ? true : { path: '/today' }),
    children: [
      { path: '', name: 'console-checklists', component: () => import('./ChecklistsPage.vue') },
      // `new` (with ?kind=&communityId=) or a checklist's id
      { path: ':id', name: 'console-checklist', component: () => import('./ChecklistEditorPage.vue') },
    ],
  },
] satisfies RouteRecordRaw[]
