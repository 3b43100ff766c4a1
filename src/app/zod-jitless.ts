/**
 * Imported first by account.boot.ts (the page's first zod parse: every route waits for it) and
 * by sw.ts, before any zod schema can parse. zod 4 probes `new
 * Function('')` on its first object parse to decide whether to compile fast paths; under our
 * content-security policy (no 'unsafe-eval') the probe fails anyway, but Chromium still reports
 * a CSP violation for it (Lighthouse best practices). jitless skips the probe and the JIT.
 * Importing from zod's core keeps the full zod API out of the entry chunk.
 */
import { config } from 'zod/v4/core'

config({ jitless: true })
