/** The visit form under the tab shell (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'visits/new/:householdId',
    name: 'visit-new',
    component: () => import('./VisitsFormPage.vue'),
    props: (route) => ({ householdId: String(route.params.householdId), correctsId: typeof route.query.corrects === 'string' ? route.query.corrects : null }),
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
