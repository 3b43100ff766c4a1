/** The five bottom tabs, in the order a grid worker's day runs (labels: shell.tabs.<name>). */
export const TABS = [
  { name: 'today', path: '/today', icon: 'todo-list-o' },
  { name: 'ledger', path: '/ledger', icon: 'friends-o' },
  { name: 'patrol', path: '/patrol', icon: 'location-o' },
  { name: 'issues', path: '/issues', icon: 'warning-o' },
  { name: 'me', path: '/me', icon: 'user-o' },
] as const

/**
 * What keeps each tab's badge count (badges store) current from the first screen on, whichever
 * tab opens first — not only once the tab itself has been visited. Loaded lazily: the shell's
 * chunk stays small and knows no feature's internals.
 */
export const BADGE_SOURCES: readonly (() => Promise<void>)[] = [
  // 今日: households due today and overdue (the today store sets the badge while it watches).
  () => import('@/features/today/today.store').then((m) => m.useTodayStore().watch()),
]
