/**
 * A one-time token carried in the address's hash (#t=…: a sign-in link, the first-start address):
 * read once, kept in memory only, and taken out of the address bar (history, a screenshot, a
 * shared tab) at once. Also who is signed in already on this device, so a page never swaps the
 * session under another account's records and outbox.
 */
import { useRoute, useRouter } from 'vue-router'
import { useAccountStore } from '@/app/session/account.store'
import { tokenFromHash } from './onboarding.models'

export function useHashToken(): { token: string | null; signedInAs: string | null } {
  const route = useRoute()
  const router = useRouter()
  const account = useAccountStore()
  const token = tokenFromHash(route.hash)
  if (route.hash) void router.replace({ path: route.path, query: route.query, hash: '' })
  const signedInAs = account.isLoggedIn ? (account.user?.name ?? account.username) : null
  return { token, signedInAs }
}
