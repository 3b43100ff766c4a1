/** Pages of the issues feature under the tab shell (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'issues/new',
    name: 'issues-new',
    component: () => import('./IssuesReportPage.vue'),
    meta: { hideTabbar: true },
  },
  {
    path: 'issues/:id',
    name: 'issue',
    component: () => import('./IssueDetailPage.vue'),
    props: true,
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
