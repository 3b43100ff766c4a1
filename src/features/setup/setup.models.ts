/**
 * The set-up path of a street office (issue 18): 1 社区 → 2 网格 → 3 人员 → 4 住户, each step
 * done when the server counts at least one of its things, each linking to the page that makes
 * them (设置 › 社区与网格, 人员, and the console's 台账 import). Also the first-admin form's rule.
 */
import { newPasswordProblem, type PasswordProblem } from '@/domain/password'
import type { SetupProgress } from './setup.api'

export const SETUP_GUIDE_PATH = '/console/admin/setup'
export const CONSOLE_HOME = '/console/tracks'

export type SetupStepKey = 'community' | 'grids' | 'people' | 'households'

export interface SetupStep {
  key: SetupStepKey
  /** 1 … 4, as the guide numbers them. */
  number: number
  count: number
  done: boolean
  /** The page where the step is done. */
  to: string
}

const STEPS: ReadonlyArray<{ key: SetupStepKey; count: (p: SetupProgress) => number; to: string }> = [
  { key: 'community', count: (p) => p.communities, to: '/console/admin/grids' },
  { key: 'grids', count: (p) => p.grids, to: '/console/admin/grids' },
  { key: 'people', count: (p) => p.workers, to: '/console/admin/people' },
  { key: 'households', count: (p) => p.households, to: '/console/ledger' },
]

export function setupSteps(p: SetupProgress): SetupStep[] {
  return STEPS.map((s, i) => {
    const count = s.count(p)
    return { key: s.key, number: i + 1, count, done: count > 0, to: s.to }
  })
}

/** The step to do now: the first one not done (null when all are). */
export function currentStep(steps: readonly SetupStep[]): SetupStep | null {
  return steps.find((s) => !s.done) ?? null
}

/** Where an account lands in the console: an admin of an unfinished street office on the guide. */
export function landingFor(role: string | null | undefined, progress: SetupProgress | null): string {
  return role === 'admin' && progress && !progress.complete ? SETUP_GUIDE_PATH : CONSOLE_HOME
}

export type FirstAdminProblem = 'name' | 'username' | PasswordProblem

/** The same username rule as 人员 › 新建人员 on the server. */
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/

/** The first thing wrong with the 首次设置 form; null when it may be sent. */
export function firstAdminProblem(f: { name: string; username: string; password: string; repeat: string }): FirstAdminProblem | null {
  if (!f.name.trim()) return 'name'
  if (!USERNAME.test(f.username.trim())) return 'username'
  return newPasswordProblem(f.password, f.repeat)
}
