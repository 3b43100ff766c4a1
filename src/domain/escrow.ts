/**
 * Escrow copies of the outbox (issue 19), shared by the phone and the server: what the phone
 * writes is also encrypted to the server's escrow key, so a locked phone (the service worker, or
 * the fifth wrong PIN) can still hand its waiting changes to the server without the data key.
 *
 *   server: an ECDH P-256 key pair, kept (migration 046), public half at GET /api/sync/escrow-key
 *   phone:  per unlocked session one ephemeral ECDH P-256 pair; ECDH(ephemeral, server) → HKDF-SHA-256
 *           → a 256-bit AES-GCM key in memory (the ephemeral private key is dropped at once)
 *   each outbox row: { kid, epk: ephemeral public JWK, iv, ct = AES-GCM(JSON {deviceId, mutation}) }
 *
 * Only the server (its private key with epk) can open an envelope; the phone can only make them
 * while unlocked. Sealing is synchronous (@noble/ciphers' AES-GCM, as cipher.ts) because it runs
 * inside the write path's IndexedDB transaction; the key agreement (WebCrypto, async) runs once.
 */
import { gcm } from '@noble/ciphers/aes.js'
import { z } from 'zod'
import { DEVICE_ID_RE } from './hlc'
import type { Mutation } from './sync'

const b64urlRe = /^[A-Za-z0-9_-]+$/
const b64url = z.string().regex(b64urlRe, 'must be base64url')

export const ecPublicJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: b64url.max(64),
  y: b64url.max(64),
})
export type EcPublicJwk = z.infer<typeof ecPublicJwkSchema>

export const escrowEnvelopeSchema = z.object({
  v: z.literal(1),
  /** The server key it is encrypted to. */
  kid: z.string().min(1).max(64),
  /** The phone's ephemeral ECDH public key of the session that sealed it. */
  epk: ecPublicJwkSchema,
  iv: b64url.max(32),
  ct: b64url.max(22_400_000),
})
export type EscrowEnvelope = z.infer<typeof escrowEnvelopeSchema>

export const escrowKeyResponseSchema = z.object({ kid: z.string().min(1).max(64), publicKey: ecPublicJwkSchema })
export type EscrowKeyResponse = z.infer<typeof escrowKeyResponseSchema>

/** What an envelope holds: the mutation exactly as push sends it, and the device that sealed it. */
export interface EscrowPlain {
  deviceId: string
  mutation: Mutation
}

const HKDF_INFO = new TextEncoder().encode('fullgrid escrow v1')
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

export function toBase64url(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

export function importEcPublic(jwk: EcPublicJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, ECDH, true, [])
}

/** ECDH → HKDF-SHA-256 (salt: the kid) → the raw 256-bit AES-GCM key of one phone session. */
export async function agreeEscrowKey(privateKey: CryptoKey, peer: CryptoKey, kid: string): Promise<Uint8Array> {
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256)
  const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new TextEncoder().encode(kid), info: HKDF_INFO }, hkdf, 256)
  return new Uint8Array(bits)
}

/** The in-memory state of one unlocked session: the agreed key, never stored. */
export interface EscrowSession {
  kid: string
  epk: EcPublicJwk
  key: Uint8Array
  deviceId: string
}

/** A new session to the server's public key: one ECDH, its ephemeral private key then dropped. */
export async function openEscrowSession(server: EscrowKeyResponse, deviceId: string): Promise<EscrowSession> {
  const pair = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const key = await agreeEscrowKey(pair.privateKey, await importEcPublic(server.publicKey), server.kid)
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return { kid: server.kid, epk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, key, deviceId }
}

const aad = (kid: string, epk: EcPublicJwk) => new TextEncoder().encode(`${kid}.${epk.x}.${epk.y}`)

/** One AES-GCM encrypt, synchronous (inside the write path's transaction). */
export function sealEscrow(session: EscrowSession, mutation: Mutation): EscrowEnvelope {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const plain: EscrowPlain = { deviceId: session.deviceId, mutation }
  const ct = gcm(session.key, iv, aad(session.kid, session.epk)).encrypt(new TextEncoder().encode(JSON.stringify(plain)))
  return { v: 1, kid: session.kid, epk: session.epk, iv: toBase64url(iv), ct: toBase64url(ct) }
}

/** The server's side with the agreed key of the envelope's session; throws when altered or another key. */
export function openEscrow(key: Uint8Array, env: EscrowEnvelope): unknown {
  const bytes = gcm(key, fromBase64url(env.iv), aad(env.kid, env.epk)).decrypt(fromBase64url(env.ct))
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown
}

export const escrowPlainSchema = z.object({ deviceId: z.string().regex(DEVICE_ID_RE), mutation: z.unknown() })
