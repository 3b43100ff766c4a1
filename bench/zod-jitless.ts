/**
 * Imported first by bench/app-write-path.ts. The app's CSP forbids eval and zod notices that by
 * itself in the app's own scripts; code the bench evaluates in the page is probed from a context
 * where eval looks allowed, so switch zod's JIT off before any schema is built (the app runs without JIT too).
 */
import { config } from 'zod'

config({ jitless: true })
