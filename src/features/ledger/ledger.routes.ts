/** Pages of the ledger under the tab shell (src/app/router.ts collects this file). */
import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: 'ledger/new', name: 'ledger-new', component: () => import('./LedgerEditPage.vue'), meta: { hideTabbar: true } },
  { path: 'ledger/h/:id', name: 'ledger-household', component: () => import('./LedgerHouseholdPage.vue'), props: true, meta: { hideTabbar: true } },
  { path: 'ledger/h/:id/edit', name: 'ledger-edit', component: () => import('./LedgerEditPage.vue'), props: true, meta: { hideTabbar: true } },
] satisfies RouteRecordRaw[]
