/**
 * Imported first by main.ts and sw.ts. zod 4 decides at the construction of every object schema
 * whether to compile a fast path, probing `new Function('')` once; under our content-security
 * policy (no 'unsafe-eval') the probe fails anyway, but Chromium files a CSP issue for it
 * (Lighthouse best practices). `jitless` skips the probe and the JIT, and must be set before the
 * first schema module evaluates — earlier than any chunk importing zod can run `z.config()`.
 * zod keeps its config on `globalThis.__zod_globalConfig` (shared by every copy of zod; it is
 * what `z.config({ jitless: true })` writes), so this sets it without loading zod into the entry.
 * tests/e2e/pwa.test.ts fails if a CSP issue is filed, e.g. should zod move its config.
 */
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> }
g.__zod_globalConfig = Object.assign(g.__zod_globalConfig ?? {}, { jitless: true })

export {}
