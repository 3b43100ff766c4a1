/**
 * Bundled by bench/encryption.ts (never shipped) and run as an init script before the app's own
 * modules: hands the data key to the page's keyring (shared by every copy of src/db/crypto in the
 * page, keyring.ts), as an unlock at start-up would, so the app seals and opens from its first read.
 */
import { setDataKey } from '../src/db/crypto/keyring'

export function installKey(bytes: number[]): void {
  setDataKey(new Uint8Array(bytes))
}
