// @vitest-environment happy-dom
/**
 * 社区设置 on the phone: /api/config is asked with the session's token, and the answer's community
 * zone becomes the calendar of every date on screen; a logout asks again without it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { lockMinutesOf, setConfigSession } from '@/features/map/map.config'
import { communityTimeZone } from '@/ui/time'

const answer = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })

afterEach(() => vi.unstubAllGlobals())

describe('the community config on the phone', () => {
  it('sends the token, takes the community zone and lock time, and forgets them on logout', async () => {
    const seen: (string | null)[] = []
    vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string> | undefined)?.authorization ?? null
      seen.push(auth)
      return auth
        ? answer({ tiles: null, timeZone: 'America/New_York', community: { id: 'c', name: '苏州路社区', timeZone: 'America/New_York', lockMinutes: 15 } })
        : answer({ tiles: null, timeZone: 'Asia/Shanghai', community: null })
    })
    const signedIn = await setConfigSession('tok-1')
    expect(seen).toEqual(['Bearer tok-1'])
    expect(communityTimeZone()).toBe('America/New_York')
    expect(lockMinutesOf(signedIn)).toBe(15)
    // The same session again is answered from the first request.
    await setConfigSession('tok-1')
    expect(seen).toHaveLength(1)
    const out = await setConfigSession(null)
    expect(seen).toEqual(['Bearer tok-1', null])
    expect(communityTimeZone()).toBe('Asia/Shanghai')
    expect(lockMinutesOf(out)).toBe(5)
  })
})
