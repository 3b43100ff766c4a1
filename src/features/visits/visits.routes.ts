/** The visit form under the tab shell (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'visits/new/:householdId',
    name: 'visit-new',
    component: () => import('./VisitsFormPage.vue'),
    props: (route) => ({
      householdId: String(route.params.householdId),
      correctsId: typeof route.query.corrects === 'string' ? route.query.corrects : null,
      // 专项排查: the campaign and target this visit answers (src/features/campaigns).
      campaignId: typeof route.query.campaign === 'string' ? route.query.campaign : null,
      campaignTargetId: typeof route.query.target === 'string' ? route.query.target : null,
    }),
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
