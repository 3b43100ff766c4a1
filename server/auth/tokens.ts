/**
 * Opaque bearer tokens: 32 random bytes (base64url) handed to the device once; the database
 * keeps only their SHA-256, so a leaked table yields no usable token.
 */
import { createHash, randomBytes } from 'node:crypto'

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header)
  return m ? m[1] : null
}
