/**
 * What a new password must be. Shared by the phone's forms (set a password from a sign-in link,
 * 修改密码 on 我的) and the server, which refuses a weak one with 400 — so the phone says why
 * before the request, and both agree on the rule.
 */
export const MIN_PASSWORD_LENGTH = 8
/** The login schema's limit (src/domain/auth.ts): a longer password could never be typed at login. */
export const MAX_PASSWORD_LENGTH = 256

/** Characters, not UTF-16 units: "密码" typed in Chinese counts 2, as a person counts it. */
export const passwordTooShort = (password: string) => [...password].length < MIN_PASSWORD_LENGTH

export type PasswordProblem = 'required' | 'tooShort' | 'tooLong' | 'nul' | 'mismatch'

/** The first thing wrong with a new password and its repetition; null when it may be sent. */
export function newPasswordProblem(password: string, repeat: string): PasswordProblem | null {
  if (!password) return 'required'
  if (passwordTooShort(password)) return 'tooShort'
  if (password.length > MAX_PASSWORD_LENGTH) return 'tooLong'
  if (password.includes('\u0000')) return 'nul'
  if (password !== repeat) return 'mismatch'
  return null
}
