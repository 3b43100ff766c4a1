/**
 * The lock screens' rules, pure: what a PIN must be, what the worker is told after a wrong one,
 * and when the app locks itself in the background (the community's 手机自动锁定, issue 19).
 */
export const PIN_LENGTH = 6

export type PinProblem = 'format' | 'weak' | 'mismatch'

/**
 * 6 digits, not one of the PINs a finder tries first (one digit six times, a run up or down
 * such as 123456 or 987654), and the same twice.
 */
export function pinProblem(pin: string, repeat?: string): PinProblem | null {
  if (!/^\d{6}$/.test(pin)) return 'format'
  if (isGuessable(pin)) return 'weak'
  if (repeat !== undefined && repeat !== pin) return 'mismatch'
  return null
}

function isGuessable(pin: string): boolean {
  const d = [...pin].map(Number)
  const steps = new Set(d.slice(1).map((x, i) => x - d[i]!))
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!)
}

/** What the fifth wrong PIN sent before the wipe, and what it destroyed (records). */
export interface WipeReport {
  sent: number
  lost: number
}

export type UnlockAnswer = { ok: true } | { ok: false; wiped: false; remaining: number } | { ok: false; wiped: true; report?: WipeReport | null }

/** Before the last try: unsynced records, of them those whose escrow copies can be sent first, and the rest, lost. */
export interface LastTryOutlook {
  unsynced: number
  sendable: number
  lost: number
}

/** What the unlock screen says after an answer; the warning before the last try names what would be lost. */
export type UnlockNotice =
  | { key: 'wrong'; remaining: number }
  | ({ key: 'lastTry' } & LastTryOutlook)
  | { key: 'wiped'; report: WipeReport | null }
  | null

export function unlockNotice(answer: UnlockAnswer, outlook: LastTryOutlook): UnlockNotice {
  if (answer.ok) return null
  if (answer.wiped) return { key: 'wiped', report: answer.report ?? null }
  if (answer.remaining === 1) return { key: 'lastTry', ...outlook }
  return { key: 'wrong', remaining: answer.remaining }
}

/** The message key and values of a notice (lock.messages.ts). */
export function noticeMessage(n: Exclude<UnlockNotice, null>): { key: string; values: Record<string, number> } {
  if (n.key === 'wrong') return { key: 'lock.notices.wrong', values: { remaining: n.remaining } }
  if (n.key === 'lastTry') {
    if (n.unsynced === 0) return { key: 'lock.notices.lastTryNone', values: {} }
    if (n.sendable === 0) return { key: 'lock.notices.lastTry', values: { unsynced: n.unsynced } }
    return { key: 'lock.notices.lastTrySend', values: { unsynced: n.unsynced, sendable: n.sendable, lost: n.lost } }
  }
  return { key: 'lock.notices.wiped', values: {} }
}

/** The wiped dialog: the wipe, then what was sent and lost when there was anything unsynced. */
export function wipedText(t: (key: string, values?: Record<string, number>) => string, report: WipeReport | null): string {
  const base = t('lock.notices.wiped')
  if (!report || report.sent + report.lost === 0) return base
  return `${base}${t('lock.notices.wipedReport', { sent: report.sent, lost: report.lost })}`
}

/** Hidden since `hiddenAt` (ms): locked once the community's minutes have passed. */
export function lockIsDue(hiddenAt: number | null, now: number, lockMinutes: number): boolean {
  if (hiddenAt === null) return false
  return now - hiddenAt >= lockMinutes * 60_000
}

/** Where the gate sends a signed-in person: 设置PIN码, 输入PIN码, or on. */
export function lockGate(state: { hasPin: boolean; unlocked: boolean }): 'set-pin' | 'unlock' | null {
  if (!state.hasPin) return 'set-pin'
  return state.unlocked ? null : 'unlock'
}
