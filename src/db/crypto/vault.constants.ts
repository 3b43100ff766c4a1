// Apart from vault.ts so the lock screen's store (in the entry chunk) can read it without Dexie or hash-wasm.
/** Wrong PINs in a row that wipe the phone's data. */
export const MAX_FAILURES = 5
