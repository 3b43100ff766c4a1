import type { App } from 'vue'
import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'

/** What each start-up module in this folder receives from main.ts. */
export interface AppContext {
  app: App
  router: Router
  pinia: Pinia
}
