/**
 * The console's landing page (`/console`), loaded lazily by supervisor.routes.ts: an admin
 * whose street office is not set up yet lands on the set-up guide. Asking costs one request;
 * without an answer (offline, an old server) the console opens as before.
 */
import { fetchSetupProgress } from './setup.api'
import { CONSOLE_HOME, landingFor } from './setup.models'

const LANDING_TIMEOUT_MS = 5_000

export async function consoleLanding(role: string | null | undefined): Promise<string> {
  if (role !== 'admin') return CONSOLE_HOME
  try {
    return landingFor(role, await fetchSetupProgress(LANDING_TIMEOUT_MS))
  } catch {
    return CONSOLE_HOME
  }
}
