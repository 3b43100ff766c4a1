/**
 * 指纹/面容解锁 (issue 19): the platform authenticator as a second way to open the same data key,
 * through WebAuthn's `prf` extension. The credential is made on this phone ("platform" attachment,
 * user verification required); at unlock the authenticator checks the fingerprint or face and
 * evaluates the credential's PRF on our salt; those 32 bytes unwrap the data key (vault.ts).
 *
 * Nothing is sent to a server: WebAuthn serves here only to release a local secret, so the
 * challenge is random and no assertion is verified — what protects the key is that the PRF output
 * exists only inside the authenticator, behind its own verification and its own retry limits.
 * Browsers without PRF (older Android WebViews, most iOS before 18) keep the PIN only.
 */

/** WebAuthn's prf extension, not yet in every lib.dom. */
interface PrfOutputs {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer | ArrayBufferView } }
}

export class BiometricUnavailableError extends Error {
  constructor(message = '此手机不支持指纹/面容解锁，请使用PIN码') {
    super(message)
    this.name = 'BiometricUnavailableError'
  }
}

function bytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
}

function webauthn(): CredentialsContainer | null {
  const nav = globalThis.navigator as Navigator | undefined
  return globalThis.PublicKeyCredential && nav?.credentials ? nav.credentials : null
}

/** The phone has a fingerprint or face unlock the browser offers to web pages. */
export async function biometricAvailable(): Promise<boolean> {
  const pkc = globalThis.PublicKeyCredential as (typeof PublicKeyCredential & { isUserVerifyingPlatformAuthenticatorAvailable?: () => Promise<boolean> }) | undefined
  if (!webauthn() || !pkc?.isUserVerifyingPlatformAuthenticatorAvailable) return false
  // A credential belongs to a domain: a server reached by its IP address (a test install) has none.
  const host = globalThis.location?.hostname ?? ''
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return false
  try {
    return await pkc.isUserVerifyingPlatformAuthenticatorAvailable()
  } catch {
    return false
  }
}

/** The credential's PRF output for `salt`, after the person's fingerprint or face. */
export async function evaluatePrf(credentialId: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const api = webauthn()
  if (!api) throw new BiometricUnavailableError()
  const assertion = (await api.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials: [{ type: 'public-key', id: credentialId as BufferSource, transports: ['internal'] }],
      userVerification: 'required',
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt as BufferSource } } } as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null
  const first = (assertion?.getClientExtensionResults() as PrfOutputs | undefined)?.prf?.results?.first
  if (!first) throw new BiometricUnavailableError()
  return bytes(first)
}

/**
 * Makes the platform credential for this account on this phone and returns its id, the PRF salt
 * and the first PRF output (asked again with get() where create() does not evaluate it).
 */
export async function enrollPlatformCredential(account: { id: string; username: string; name: string }): Promise<{ credentialId: Uint8Array; salt: Uint8Array; output: Uint8Array }> {
  const api = webauthn()
  if (!api || !(await biometricAvailable())) throw new BiometricUnavailableError()
  const salt = crypto.getRandomValues(new Uint8Array(32))
  const created = (await api.create({
    publicKey: {
      rp: { name: '满格 FullGrid' },
      user: { id: new TextEncoder().encode(account.id), name: account.username, displayName: account.name || account.username },
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required', residentKey: 'discouraged' },
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt as BufferSource } } } as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null
  if (!created) throw new BiometricUnavailableError()
  const prf = (created.getClientExtensionResults() as PrfOutputs).prf
  if (!prf?.enabled && !prf?.results?.first) throw new BiometricUnavailableError('此手机的指纹/面容不能用于加密解锁，请使用PIN码')
  const credentialId = new Uint8Array(created.rawId)
  const output = prf.results?.first ? bytes(prf.results.first) : await evaluatePrf(credentialId, salt)
  return { credentialId, salt, output }
}
