/**
 * 设置PIN码, 输入PIN码 and 忘记PIN码: full-screen pages outside the tab shell, for a signed-in person only;
 * the router's gate (src/app/router.ts) sends every other page here until the phone is unlocked.
 */
import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/lock', name: 'unlock', component: () => import('./UnlockPage.vue'), meta: { lockScreen: 'unlock' } },
  { path: '/lock/forgot', name: 'forgot-pin', component: () => import('./ForgotPinPage.vue'), meta: { lockScreen: 'unlock' } },
  { path: '/lock/set', name: 'set-pin', component: () => import('./SetPinPage.vue'), meta: { lockScreen: 'set-pin' } },
] satisfies RouteRecordRaw[]
