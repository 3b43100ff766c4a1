/**
 * Who may administer what, and what a well-formed community, grid, account or sign-in link is
 * (issue 18). Pure: the server's admin routes and the console's forms judge with the same rules.
 *
 * Scope is the sync rule (server/sync/scope.ts): an admin administers everything; a supervisor the
 * communities their grids belong to (a supervisor's gridIds name their community); a worker nothing.
 */
import type { GridLevel, Role } from './entities'
import { MIN_PASSWORD_LENGTH, passwordTooShort } from './password'

/** A sign-in link (扫码登录) is good for one day and one use. */
export const SIGN_IN_LINK_TTL_MS = 24 * 60 * 60 * 1000

export interface AdminActor {
  role: Role
  /** Communities of the actor's scope (scope.communityIds); ignored for an admin. */
  communityIds: ReadonlySet<string>
}

export function mayAdministerCommunity(actor: AdminActor, communityId: string): boolean {
  if (actor.role === 'admin') return true
  return actor.role === 'supervisor' && actor.communityIds.has(communityId.toLowerCase())
}

/** Only an admin creates communities: a street office's supervisor runs the one they have. */
export function mayCreateCommunity(role: Role): boolean {
  return role === 'admin'
}

/** Accounts an actor may create or change: a supervisor manages workers and fellow supervisors, never admins. */
export function mayManageRole(actor: Role, target: Role): boolean {
  if (actor === 'admin') return target !== 'admin'
  return actor === 'supervisor' && (target === 'worker' || target === 'supervisor')
}

/** The level a new grid gets under a parent of this level (community → 网格 → 微网格). */
export function childLevelOf(parent: GridLevel): GridLevel | null {
  return parent === 'community' ? 'grid' : parent === 'grid' ? 'micro' : null
}

export function nameProblem(name: string, what = '名称'): string | null {
  const n = name.trim()
  if (!n) return `${what}不能为空`
  if (n.length > 100) return `${what}最多 100 个字`
  return null
}

/** Codes are what a street office's own ledgers use (XGL-01-02): letters, digits, - and _. */
export function codeProblem(code: string): string | null {
  const c = code.trim()
  if (!c) return '编码不能为空'
  if (c.length > 40) return '编码最多 40 个字符'
  if (!/^[A-Za-z0-9_-]+$/.test(c)) return `编码“${c}”只能包含字母、数字、- 和 _`
  return null
}

export function passwordProblem(password: string): string | null {
  if (passwordTooShort(password)) return `密码至少 ${MIN_PASSWORD_LENGTH} 位`
  if (password.length > 200) return '密码太长（最多 200 位）'
  return null
}

/** Where a grid may sit: its parent must be one level up, in the same community. */
export function placementProblem(
  grid: { level: GridLevel; communityId: string },
  parent: { level: GridLevel; communityId: string; name: string } | null,
): string | null {
  if (grid.level === 'community') return parent ? '社区不能放到别的网格下' : null
  if (!parent) return '请选择上级网格'
  if (parent.communityId !== grid.communityId) return '只能移到本社区的网格下'
  if (childLevelOf(parent.level) !== grid.level) {
    return grid.level === 'micro' ? `微网格只能放在网格下，“${parent.name}”不是网格` : `网格只能放在社区下，“${parent.name}”不是社区`
  }
  return null
}

export type SignInLinkState = 'valid' | 'used' | 'expired' | 'revoked'

export interface SignInLinkFacts {
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
}

export function signInLinkState(link: SignInLinkFacts, now: number): SignInLinkState {
  if (link.revokedAt !== null) return 'revoked'
  if (link.usedAt !== null) return 'used'
  if (now >= link.expiresAt) return 'expired'
  return 'valid'
}

export const SIGN_IN_LINK_REFUSALS: Record<Exclude<SignInLinkState, 'valid'>, string> = {
  used: '此二维码已使用过，请向督导索取新的二维码',
  expired: '此二维码已过期（有效期 24 小时），请向督导索取新的二维码',
  revoked: '此二维码已作废，请向督导索取新的二维码',
}

/** Handover (交接): the gridIds of the leaving and the arriving worker after moving one grid. */
export function handOverGrid(gridId: string, from: readonly string[], to: readonly string[]): { from: string[]; to: string[] } {
  return { from: from.filter((g) => g !== gridId), to: to.includes(gridId) ? [...to] : [...to, gridId] }
}
