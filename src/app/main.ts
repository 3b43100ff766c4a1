// zod must be jitless before any schema is built (CSP without eval): index.html loads
// public/zod-jitless.js first; this import keeps it for pages that do not load index.html (tests).
import './zod-jitless'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './theme.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n, restoreLocale } from './i18n'
import * as pwa from './modules/pwa'
import * as prefetch from './modules/prefetch'
import * as communityConfig from './modules/communityConfig'
import * as autoLock from './modules/autoLock'
import { primeCommunityZone } from '@/features/map/map.config'

async function start(): Promise<void> {
  // Dates on the first screen are on the community's calendar (FULLGRID_TIME_ZONE via /api/config).
  primeCommunityZone()
  const app = createApp(App)
  const pinia = createPinia()
  const router = createAppRouter()
  app.use(pinia).use(i18n).use(router)
  for (const mod of [prefetch, pwa, communityConfig, autoLock]) mod.install({ app, router, pinia })
  // The chosen language must be in place before the first screen, or it flashes in Chinese.
  await restoreLocale()
  // Mount once the first page (and its session check) is ready: until then index.html's splash shows.
  await router.isReady().catch((err) => console.error('[app] first navigation failed', err))
  app.mount('#app')
}

void start()
