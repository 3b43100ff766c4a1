/** 专项排查 pages under the tab shell (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'campaigns/:id',
    name: 'campaign',
    component: () => import('./CampaignsPage.vue'),
    props: true,
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
