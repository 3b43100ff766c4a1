/** 我的 › 修改密码: what the form checks before asking the server, and its failures in words. */
import { newPasswordProblem, type PasswordProblem } from '@/domain/password'
import { DeviceRevokedError, NetworkError, UnauthorizedError } from '@/sync/errors'

export type ChangePasswordProblem = 'currentRequired' | PasswordProblem | 'same'

export function changePasswordProblem(current: string, next: string, repeat: string): ChangePasswordProblem | null {
  if (!current) return 'currentRequired'
  const problem = newPasswordProblem(next, repeat)
  if (problem) return problem
  // Not a server rule: "changing" to the same password is surely a slip of the fingers.
  return next === current ? 'same' : null
}

/**
 * Why the server did not change it: no network, the session itself is gone (log in again), or
 * the server's own words — "当前密码不正确" for a wrong current password (400).
 */
export type ChangePasswordFailure = { kind: 'offline' } | { kind: 'session' } | { kind: 'server'; message: string }

export function changePasswordFailureOf(err: unknown): ChangePasswordFailure {
  if (err instanceof NetworkError) return { kind: 'offline' }
  if (err instanceof DeviceRevokedError || (err instanceof UnauthorizedError && err.code === 'unauthorized')) return { kind: 'session' }
  return { kind: 'server', message: err instanceof Error ? err.message : String(err) }
}
