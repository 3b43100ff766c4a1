import { defineConfig, parseAst, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath, URL } from 'node:url'
import { readFileSync } from 'node:fs'
import { dirname, relative, sep } from 'node:path'

const THEME_COLOR = '#b71c1c'

/**
 * Vant's icon font is inlined in its CSS as a 25 KB base64 woff2 (~32 KB of CSS), followed by a
 * remote fallback on a CDN. Inlined, every page that uses any Vant component with an icon (the
 * login page's button and fields) downloads the font even though it shows no icon. Here the font
 * becomes a file of its own (src/ui/vant/vant-icon.woff2, the same bytes), which the browser
 * fetches only when a glyph is drawn; the remote fallback is removed, since the app must never
 * reach outside its own origin (Chromium checks it against our CSP and logs a violation).
 * The committed file is compared with the one inside Vant, so an upgrade cannot mismatch glyphs.
 */
function vantIconFontAsFile(): Plugin {
  const file = fileURLToPath(new URL('./src/ui/vant/vant-icon.woff2', import.meta.url))
  return {
    name: 'fullgrid:vant-icon-font-file',
    // Before Vite's CSS plugin, which resolves and emits the url() written here.
    enforce: 'pre',
    transform(code, id) {
      if (!/vant[\\/]es[\\/]icon[\\/]index\.css/.test(id)) return null
      const inline = /url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)/.exec(code)
      if (!inline) throw new Error('vant icon CSS no longer inlines its woff2: update vantIconFontAsFile in vite.config.ts')
      if (!Buffer.from(inline[1], 'base64').equals(readFileSync(file))) {
        throw new Error(`Vant's icon font changed: copy it to ${file} (see vantIconFontAsFile in vite.config.ts)`)
      }
      return code
        // Relative to Vant's CSS file, which Vite's CSS pipeline resolves and emits as an asset.
        .replace(inline[0], `url("${relative(dirname(id.split('?')[0]), file).split(sep).join('/')}")`)
        .replace(/,\s*url\(\/\/at\.alicdn\.com\/[^)]*\)\s*format\("[a-z0-9]+"\)/g, '')
    },
  }
}

/**
 * A feature's strings live in one file, both languages side by side (`export default { 'zh-CN':
 * {…}, en: {…} }`, src/app/i18n.ts). Imported as `x.messages.ts?locale=zh-CN` (the globs in
 * src/app/i18n.ts and src/app/locales/en.ts), the module is only that language's object, so the
 * entry carries the Chinese strings and the English ones load with English (issue 20). The file
 * must stay one default export of an object literal; anything else fails the build here.
 * Also in vitest.config.ts, so the tests read the same modules as the app.
 */
export function messagesPerLocale(): Plugin {
  return {
    name: 'fullgrid:messages-per-locale',
    enforce: 'pre',
    transform(code, id) {
      const m = /\.messages\.ts\?(?:.*&)?locale=([A-Za-z-]+)/.exec(id)
      if (!m) return null
      type Node = { type: string; start: number; end: number; expression?: Node; properties?: Node[]; key?: { type: string; name?: string; value?: unknown }; value?: Node }
      const body = (parseAst(code, { lang: 'ts' }) as unknown as { body: Node[] }).body
      const fail = (why: string) => new Error(`${id.split('?')[0]}: ${why} (messagesPerLocale in vite.config.ts)`)
      if (body.length !== 1 || body[0]!.type !== 'ExportDefaultDeclaration') throw fail('expected a single `export default { ... }`')
      let object = (body[0] as unknown as { declaration: Node }).declaration
      while (object.expression && (object.type === 'TSSatisfiesExpression' || object.type === 'TSAsExpression')) object = object.expression
      if (object.type !== 'ObjectExpression') throw fail('the default export is not an object literal')
      const keyOf = (n: Node) => (n.key?.type === 'Identifier' ? n.key.name : n.key?.value)
      const locale = object.properties!.find((p) => p.type === 'Property' && keyOf(p) === m[1])
      return { code: `export default ${locale?.value ? code.slice(locale.value.start, locale.value.end) : '{}'}\n`, map: null }
    },
  }
}

/**
 * The entry's stylesheet (src/app/theme.css: ~1.3 KB of CSS variables and base rules) goes inline
 * into index.html instead of a render-blocking <link>: the splash paints without waiting for a
 * second request (Lighthouse's render-blocking audit on the login page, issue 20). It has no url()
 * to resolve; one would fail the build here, as it would point elsewhere from the page than from
 * /assets/. The CSP allows inline styles (server/app.ts), as index.html's splash style needs.
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'fullgrid:inline-entry-css',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.bundle) return html
        return html.replace(/<link rel="stylesheet"(?: crossorigin)? href="\/(assets\/index-[^"]+\.css)">/g, (tag, file: string) => {
          const asset = ctx.bundle![file]
          if (!asset || asset.type !== 'asset') return tag
          const css = String(asset.source)
          if (/url\(|@import/.test(css)) throw new Error(`${file} has url() or @import: inlineEntryCss in vite.config.ts cannot inline it`)
          return `<style>${css.trim()}</style>`
        })
      },
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    vantIconFontAsFile(),
    messagesPerLocale(),
    inlineEntryCss(),
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
        id: '/',
        name: '满格',
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
        // Long-press on the home-screen icon: the three things a worker starts from the stairwell.
        shortcuts: [
          { name: '入户走访', short_name: '入户走访', url: '/today', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: '开始巡查', short_name: '开始巡查', url: '/patrol', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: '上报事件', short_name: '上报事件', url: '/issues/new', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
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
