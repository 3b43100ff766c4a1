// A classic script (deferred in index.html, so it runs before every module chunk without blocking the first paint): zod 4 probes `new Function('')` when it
// builds object schemas, which under our CSP (no 'unsafe-eval') files a CSP issue. Modules that the
// entry imports statically evaluate before the entry's own body, so src/app/zod-jitless.ts (kept for
// the service worker and tests) comes too late once such a chunk builds a schema at import time.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true })
