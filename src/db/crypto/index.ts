export { KeyVault, MAX_FAILURES, PinFormatError, type UnlockResult, type KeyVaultOptions } from './vault'
export { ARGON2_DEFAULT, PBKDF2_DEFAULT, defaultKdf, deriveKek, type KdfParams } from './kdf'
export { LockedError, currentKey, isUnlocked, lockKey, setDataKey, setEncryptionRequired, encryptionRequired } from './keyring'
export { seal, unseal, serialize, deserialize } from './cipher'
