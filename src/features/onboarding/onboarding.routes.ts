/**
 * /link#t=<token>: the one-time sign-in link of the console's QR code. Public and outside the tab
 * shell, like /login (src/app/router.ts collects this file; an absolute path is a top-level route).
 */
import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/link', name: 'sign-in-link', component: () => import('./SignInLinkPage.vue'), meta: { public: true } },
] satisfies RouteRecordRaw[]
