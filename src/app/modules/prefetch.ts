/**
 * The first screen's code starts downloading together with the session check instead of after
 * it: on a slow network that saves a round trip before the first usable screen (DESIGN §6).
 * Which screen is a guess from the session hint; a wrong guess costs one chunk, never a wrong page.
 *
 * A signed-in phone opens at 输入PIN码 on every start (the data key lives only in memory, issue
 * 19), so that screen and the vault come first. The shell and 今日 (with Dexie, the sync store and
 * the write path behind them) are not loaded under the lock screen: evaluating them there kept the
 * main thread busy before 输入PIN码 could show (issue 20); prefetchAfterUnlock starts them when
 * the PIN is submitted, beside the key derivation.
 */
import { sessionHint } from '../session/sessionHint'

const ignore = () => undefined

export function install(): void {
  if (sessionHint()) {
    void import('@/db/phoneLock').catch(ignore)
    void import('@/features/lock/UnlockPage.vue').catch(ignore)
  } else if (location.pathname.startsWith('/link')) {
    // A new phone that scanned the console's QR code.
    void import('@/features/onboarding/SignInLinkPage.vue').catch(ignore)
  } else {
    // Logged out (or a new phone): every path leads to the login page.
    void import('@/features/account/LoginPage.vue').catch(ignore)
  }
}

/** The tab shell, and 今日 when that is where the unlock leads (`target`: the path asked for). */
export function prefetchAfterUnlock(target: string): void {
  void import('@/features/shell/ShellLayout.vue').catch(ignore)
  if (target === '/' || target.startsWith('/today')) void import('@/features/today/TodayPage.vue').catch(ignore)
}
