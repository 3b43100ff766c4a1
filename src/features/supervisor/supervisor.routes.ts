/**
 * The supervisor console at /console: a desktop layout of its own (no phone tabs), every page
 * loaded lazily and only for supervisors and admins (src/app/router.ts collects this file and
 * mounts routes with an absolute path beside the tab shell).
 */
import type { RouteRecordRaw } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { canUseConsole } from './supervisor.models'

export default [
  {
    path: '/console',
    component: () => import('./SupervisorLayout.vue'),
    beforeEnter: () => (canUseConsole(useAccountStore().user?.role) ? true : { path: '/today' }),
    children: [
      // The landing page: 轨迹回放, or the set-up guide for an admin of a street office not set up yet
      // (the guard always redirects; the component is never shown).
      {
        path: '',
        name: 'console-home',
        component: () => import('./TracksPage.vue'),
        beforeEnter: async () => (await import('@/features/setup/setup.landing')).consoleLanding(useAccountStore().user?.role),
      },
      { path: 'tracks', name: 'console-tracks', component: () => import('./TracksPage.vue') },
      { path: 'daily', name: 'console-daily', component: () => import('./DailyPage.vue') },
      { path: 'coverage', name: 'console-coverage', component: () => import('./CoveragePage.vue') },
      { path: 'issues', name: 'console-issues', component: () => import('./IssuesBoardPage.vue') },
      { path: 'issues/:id', name: 'console-issue', component: () => import('./IssueDetailPage.vue'), props: true },
      { path: 'weekly', name: 'console-weekly', component: () => import('./WeeklyPage.vue') },
      { path: 'ledger', name: 'console-ledger', component: () => import('./LedgerIoPage.vue') },
    ],
  },
] satisfies RouteRecordRaw[]
