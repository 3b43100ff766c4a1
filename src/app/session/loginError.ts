/** Why a login failed; the page shows a message for each (account.login.errors.*). */
export type LoginErrorCode = 'invalid' | 'throttled' | 'offline' | 'server'

export class LoginError extends Error {
  constructor(
    readonly code: LoginErrorCode,
    readonly status?: number,
  ) {
    super(`login failed: ${code}${status ? ` (${status})` : ''}`)
  }
}
