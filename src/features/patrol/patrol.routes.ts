/** Pages of the patrol feature under the tab shell (the 巡查 tab itself is in src/app/router.ts). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'patrol/:id/summary',
    name: 'patrol-summary',
    component: () => import('./PatrolSummaryPage.vue'),
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
