/**
 * 专项排查 in the console (issue 21): a top-level route with the console's own layout (the router
 * mounts absolute paths beside the tab shell), for supervisors and admins only. The phone's
 * campaign pages are another feature's.
 */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { canUseConsole } from '@/features/supervisor/supervisor.models'

export default [
  {
    path: '/console/campaigns',
    component: () => import('@/features/supervisor/SupervisorLayout.vue'),
    beforeEnter: () => (canUseConsole(useAccountStore().user?.role) ? true : { path: '/today' }),
    children: [
      { path: '', name: 'console-campaigns', component: () => import('./CampaignsPage.vue') },
      // `new`, or a draft's id + /edit
      { path: 'new', name: 'console-campaign-new', component: () => import('./CampaignFormPage.vue') },
      { path: ':id/edit', name: 'console-campaign-edit', component: () => import('./CampaignFormPage.vue'), props: true },
      { path: ':id', name: 'console-campaign', component: () => import('./CampaignDetailPage.vue'), props: true },
    ],
  },
] satisfies RouteRecordRaw[]
