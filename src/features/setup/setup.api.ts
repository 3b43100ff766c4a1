/**
 * 首次设置 and the set-up guide as the console calls them (server/setup/routes.ts), through the
 * app's one `apiFetch`: errors arrive as SyncError subclasses whose `message` is the server's words.
 */
import { apiFetch } from '@/app/session/api'

export interface SetupProgress {
  communities: number
  grids: number
  workers: number
  households: number
  complete: boolean
}

export const fetchSetupState = () => apiFetch<{ needsAdmin: boolean }>('/api/setup/state', { auth: false })

export const fetchSetupProgress = (timeoutMs?: number) => apiFetch<SetupProgress>('/api/setup/progress', timeoutMs ? { timeoutMs } : {})

export const createFirstAdmin = (body: { token: string; name: string; username: string; password: string }) =>
  apiFetch<{ user: { id: string; name: string }; username: string }>('/api/setup/first-admin', { auth: false, json: body })
