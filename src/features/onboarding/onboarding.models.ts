/**
 * The sign-in link page (/link#t=…), opened from the QR code the console shows for one worker:
 * the token from the address, the password rule, and the link's failures sorted into what the
 * worker is told.
 */
import { NetworkError, RequestRefusedError, ServerError, UnauthorizedError } from '@/sync/errors'
import { newPasswordProblem, type PasswordProblem } from '@/domain/password'

export { MIN_PASSWORD_LENGTH } from '@/domain/password'
export type { PasswordProblem }

const TOKEN = /^[A-Za-z0-9_.~-]{8,512}$/

/**
 * The token of `#t=<token>`, or null. It travels in the fragment so the server's logs and any
 * proxy never see it (browsers do not send the fragment).
 */
export function tokenFromHash(hash: string): string | null {
  const t = new URLSearchParams(hash.replace(/^#/, '')).get('t')?.trim() ?? ''
  return TOKEN.test(t) ? t : null
}

const IN_APP_BROWSERS: ReadonlyArray<[string, RegExp]> = [
  ['微信', /MicroMessenger\//],
  ['钉钉', /DingTalk\//],
  ['支付宝', /AlipayClient\//],
  ['QQ', /\sQQ\//],
]

/**
 * The chat app whose built-in browser opened the link (a QR code scanned in 微信 opens there), or
 * null. Its storage is not the phone browser's: a session set up there stays in the chat app, the
 * installed app never sees it, and the one-time link is spent — so the page says to switch first.
 */
export function inAppBrowser(userAgent: string): string | null {
  return IN_APP_BROWSERS.find(([, re]) => re.test(userAgent))?.[0] ?? null
}

/** The two password fields of the page; null when the form may be sent. */
export function passwordFormProblem(password: string, repeat: string): PasswordProblem | null {
  return newPasswordProblem(password, repeat)
}

/**
 * Why setting the password failed:
 * - used / expired / revoked / gone (410, which one read from the server's code or words),
 *   invalid (no such link): the link is spent, only a new QR code helps;
 * - refused (400, a weak password): the server's own words, the form stays;
 * - offline, throttled, server: try again, the link is still good.
 */
export type LinkProblem = 'used' | 'expired' | 'revoked' | 'gone' | 'invalid' | 'refused' | 'offline' | 'throttled' | 'server'

export interface LinkFailure {
  problem: LinkProblem
  /** The server's message (shown for 'refused'). */
  message?: string
  status?: number
}

const SPENT: ReadonlySet<LinkProblem> = new Set(['used', 'expired', 'revoked', 'gone', 'invalid'])

/** The link cannot be used any more: the page hides the form and asks for a new QR code. */
export function isSpent(problem: LinkProblem): boolean {
  return SPENT.has(problem)
}

const GONE: ReadonlyArray<[LinkProblem, RegExp]> = [
  ['revoked', /revoke|撤销|作废|收回|停用/i],
  ['expired', /expire|过期/i],
  ['used', /used|已使用|用过/i],
]

// The server's code decides when it names the reason; its Chinese message otherwise.
function goneReason(code: string, message: string): LinkProblem {
  for (const text of [code, message]) {
    const hit = GONE.find(([, re]) => re.test(text))
    if (hit) return hit[0]
  }
  return 'gone'
}

export function linkFailureOf(err: unknown): LinkFailure {
  if (err instanceof NetworkError) return { problem: 'offline' }
  if (err instanceof ServerError) {
    if (err.status === 410) return { problem: goneReason(err.code, err.message), status: 410 }
    if (err.status === 404) return { problem: 'invalid', status: 404 }
    if (err.status === 429) return { problem: 'throttled', status: 429 }
    return { problem: 'server', status: err.status }
  }
  if (err instanceof RequestRefusedError) return { problem: 'refused', message: err.message, status: err.status }
  // An unknown token at an anonymous route answers like a wrong login.
  if (err instanceof UnauthorizedError) return { problem: 'invalid', status: 401 }
  return { problem: 'server', status: (err as { status?: number } | null)?.status ?? 0 }
}
