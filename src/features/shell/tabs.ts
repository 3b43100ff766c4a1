/** The five bottom tabs, in the order a grid worker's day runs (labels: shell.tabs.<name>). */
export const TABS = [
  { name: 'today', path: '/today', icon: 'todo-list-o' },
  { name: 'ledger', path: '/ledger', icon: 'friends-o' },
  { name: 'patrol', path: '/patrol', icon: 'location-o' },
  { name: 'issues', path: '/issues', icon: 'warning-o' },
  { name: 'me', path: '/me', icon: 'user-o' },
] as const
