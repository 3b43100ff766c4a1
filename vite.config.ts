import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath, URL } from 'node:url'

const THEME_COLOR = '#b71c1c'

/**
 * Vant's icon font lists a remote fallback on a CDN after its inline woff2. Every browser we
 * support uses the inline font, but Chromium still checks the remote URL against our CSP and logs
 * a violation; the app must never reach outside its own origin, so the fallback is removed.
 */
function vantIconFontOffline(): Plugin {
  return {
    name: 'fullgrid:vant-icon-font-offline',
    transform(code, id) {
      if (!/vant[\\/]es[\\/]icon[\\/]index\.css/.test(id)) return null
      return code.replace(/,\s*url\(\/\/at\.alicdn\.com\/[^)]*\)\s*format\("[a-z0-9]+"\)/g, '')
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    vantIconFontOffline(),
    VitePWA({
      // Our own worker (src/sw.ts): precache + offline navigation now, Background Sync later.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // A new version waits until the worker taps "update" (DESIGN §8.4); src/app/modules/pwa.ts registers it.
      registerType: 'prompt',
      injectRegister: false,
      // globPatterns below already precache public/ icons; listing them again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        name: '满格 FullGrid',
        short_name: '满格',
        description: '社区网格员离线工作台：巡查、入户走访、事件、住户台账',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME_COLOR,
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
      },
      devOptions: { enabled: false },
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    // vue-i18n: Composition API only; drop the legacy API and devtools hooks from the bundle.
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    // Report sizes so the entry budget (≤150 KB gzip, DESIGN §6) stays visible on every build.
    reportCompressedSize: true,
  },
})
