/** What the UI binds to. */
export type SyncPhase = 'idle' | 'pushing' | 'pulling' | 'offline' | 'error' | 'needs-login' | 'revoked'
