/**
 * The first screen's code starts downloading together with the session check instead of after
 * it: on a slow network that saves a round trip before the first usable screen (DESIGN §6).
 * Which screen is a guess from the session hint; a wrong guess costs one chunk, never a wrong page.
 */
import { sessionHint } from '../session/sessionHint'

export function install(): void {
  const ignore = () => undefined
  if (sessionHint()) {
    void import('@/features/shell/ShellLayout.vue').catch(ignore)
    const path = location.pathname
    if (path === '/' || path.startsWith('/today')) void import('@/features/today/TodayPage.vue').catch(ignore)
  } else if (location.pathname.startsWith('/link')) {
    // A new phone that scanned the console's QR code.
    void import('@/features/onboarding/SignInLinkPage.vue').catch(ignore)
  } else {
    // Logged out (or a new phone): every path leads to the login page.
    void import('@/features/account/LoginPage.vue').catch(ignore)
  }
}
