/**
 * Routes. Every page loads lazily, so the entry stays small (DESIGN §6). Features add pages
 * under the tab shell by exporting `default RouteRecordRaw[]` from
 * `src/features/<name>/<name>.routes.ts` (set `meta.hideTabbar` for full-screen pages), without
 * editing this file.
 */
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { safeRedirect } from '@/features/account/redirect'
import { prefersConsole } from '@/features/supervisor/supervisor.models'
import { useLockStore } from '@/features/lock/lock.store'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean
    /** Full-screen page inside the shell: hide the bottom tabs. */
    hideTabbar?: boolean
    /** 设置PIN码 / 输入PIN码 / 忘记PIN码: signed in, shown while the lock gate is in this state. */
    lockScreen?: 'set-pin' | 'unlock'
  }
}

const allFeatureRoutes = Object.values(
  import.meta.glob<{ default: RouteRecordRaw[] }>('../features/*/*.routes.ts', { eager: true }),
).flatMap((m) => m.default)
// A route with an absolute path has a layout of its own (the supervisor console); the rest live in the tab shell.
const featureRoutes = allFeatureRoutes.filter((r) => !r.path.startsWith('/'))
const topLevelRoutes = allFeatureRoutes.filter((r) => r.path.startsWith('/'))

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/features/account/LoginPage.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('@/features/shell/ShellLayout.vue'),
    children: [
      { path: '', redirect: '/today' },
      { path: 'today', name: 'today', component: () => import('@/features/today/TodayPage.vue') },
      { path: 'ledger', name: 'ledger', component: () => import('@/features/ledger/LedgerPage.vue') },
      { path: 'patrol', name: 'patrol', component: () => import('@/features/patrol/PatrolPage.vue') },
      { path: 'issues', name: 'issues', component: () => import('@/features/issues/IssuesPage.vue') },
      { path: 'me', name: 'me', component: () => import('@/features/account/MePage.vue') },
      ...featureRoutes,
    ],
  },
  ...topLevelRoutes,
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes })

  // The session comes from IndexedDB, not the network: with no signal the app still opens to the tabs.
  router.beforeEach(async (to, from) => {
    const account = useAccountStore()
    if (!account.loaded) await account.load()
    if (!to.meta.public && !account.isLoggedIn) {
      return { name: 'login', query: to.fullPath !== '/' && to.fullPath !== '/today' ? { redirect: to.fullPath } : {} }
    }
    if (to.name === 'login' && account.isLoggedIn) return { path: '/today' }
    // Issue 19: no page shows or stores a resident's data until the phone has a PIN and is unlocked.
    if (account.isLoggedIn && !to.meta.public) {
      const gate = await useLockStore().gate()
      if (to.meta.lockScreen) {
        // Unlocked: the lock screens have nothing to do. Otherwise only the one the gate names.
        if (gate === null) return { path: safeRedirect(to.query.redirect) }
        if (to.meta.lockScreen !== gate) return { name: gate, query: to.query }
        return
      }
      if (gate) return { name: gate, query: to.fullPath !== '/' && to.fullPath !== '/today' ? { redirect: to.fullPath } : {} }
    }
    // A supervisor at a desktop-sized screen lands in the console after login (or on opening the app).
    if (to.path === '/today' && (from.name === 'login' || from.meta.lockScreen || from.matched.length === 0) && prefersConsole(account.user?.role, window.innerWidth)) {
      return { path: '/console' }
    }
  })
  return router
}
