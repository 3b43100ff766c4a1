/** 离线地图, reached from 我的. */
import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'me/offline-map',
    name: 'offline-map',
    component: () => import('./OfflineMapPage.vue'),
    meta: { hideTabbar: true },
  },
] satisfies RouteRecordRaw[]
