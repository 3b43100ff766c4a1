/**
 * The base map settings from `GET /api/config` (public). Kept in localStorage so an offline start
 * draws the same map as the last online one; without any, the map is the schematic of our own
 * vectors (no tiles). Signed in, the request carries the session's token and the answer names the
 * person's community: its time zone (社区设置) for every day on this phone, and its lock time.
 * The entry imports this file (main.ts, the start-up modules), so the answer's zod schema loads
 * only with the answer (issue 20: no zod on the first screen).
 */
import { DEFAULT_LOCK_MINUTES, DEFAULT_TIME_ZONE } from '@/domain/constants'
import type { AppConfig } from '@/domain/mapConfig'
import { setCommunityTimeZone } from '@/ui/time'

const STORAGE_KEY = 'fullgrid.config'
export const FALLBACK_CONFIG: AppConfig = { tiles: null, timeZone: DEFAULT_TIME_ZONE }

const schema = async () => (await import('@/domain/mapConfig')).appConfigSchema

function storedRaw(): unknown {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    return raw ? JSON.parse(raw) : null
  } catch {
    return null
  }
}

async function stored(): Promise<AppConfig | null> {
  const raw = storedRaw()
  if (raw === null) return null
  const parsed = (await schema()).safeParse(raw)
  return parsed.success ? parsed.data : null
}

let pending: Promise<AppConfig> | null = null
/** The session's bearer token (src/app/modules/communityConfig.ts keeps it current); null: public. */
let token: string | null = null

/**
 * A login, a logout or another account: ask again, so the zone and lock time are the community's
 * of whoever is signed in now.
 */
export function setConfigSession(next: string | null): Promise<AppConfig> {
  if (next !== token || !pending) {
    token = next
    pending = null
  }
  return loadAppConfig()
}

/** Minutes of no use before the app locks (issue 19): the community's, else the default. */
export function lockMinutesOf(config: AppConfig): number {
  return config.community?.lockMinutes ?? DEFAULT_LOCK_MINUTES
}

/**
 * The community's zone for every date on screen (src/ui/time.ts) before the first paint: the one
 * kept from the last online start. The server's comes once the session is known
 * (src/app/modules/communityConfig.ts calls setConfigSession).
 */
export function primeCommunityZone(): void {
  // Only the zone, read without the schema: setCommunityTimeZone takes nothing but a valid zone.
  const kept = storedRaw() as { timeZone?: unknown } | null
  if (typeof kept?.timeZone === 'string') setCommunityTimeZone(kept.timeZone)
}

/** The server's answer when it can be reached, else the last one kept, else no base map. */
export function loadAppConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  pending ??= (async () => {
    try {
      const headers: Record<string, string> = { accept: 'application/json' }
      if (token) headers.authorization = `Bearer ${token}`
      const res = await fetcher('/api/config', { headers })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const [body, appConfigSchema] = await Promise.all([res.json(), schema()])
      const config = appConfigSchema.parse(body)
      setCommunityTimeZone(config.timeZone)
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(config))
      } catch {
        // Storage disabled: the answer serves this visit only.
      }
      return config
    } catch {
      pending = null // try again next time
      return (await stored().catch(() => null)) ?? FALLBACK_CONFIG
    }
  })()
  return pending
}
