import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath, URL } from 'node:url'
import { messagesPerLocale } from './vite.config'

export default defineConfig({
  plugins: [vue(), messagesPerLocale()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'server/**/*.test.ts', 'demo/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and multi-process tests start servers; keep files isolated but not over-parallel on 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
