/**
 * Accounts as login reads them: `credentials` maps a username to a user id and password hash; the
 * profile (name, role, gridIds) is the synced `users` record. Methods take an optional transaction.
 */
import type { Database, Queryable } from '../db/adapter'
import { userSchema, type User } from '../../src/domain/entities'

export interface Credentials {
  userId: string
  passwordHash: string
  disabled: boolean
}

export function createAccountRepository(db: Database) {
  return {
    async credentials(username: string, tx: Queryable = db): Promise<Credentials | null> {
      const { rows } = await tx.query<{ user_id: string; password_hash: string; disabled: boolean }>(
        'SELECT user_id, password_hash, disabled FROM credentials WHERE username = $1',
        [username],
      )
      return rows[0] ? { userId: rows[0].user_id, passwordHash: rows[0].password_hash, disabled: rows[0].disabled } : null
    },

    /** The live `users` record of a user, or null when it is missing, deleted or malformed. */
    async profile(userId: string, tx: Queryable = db): Promise<User | null> {
      const { rows } = await tx.query<{ data: unknown; deleted: boolean }>(
        `SELECT data, deleted FROM records WHERE entity = 'users' AND id = $1::uuid`,
        [userId],
      )
      if (!rows[0] || rows[0].deleted) return null
      const parsed = userSchema.safeParse(rows[0].data)
      return parsed.success ? parsed.data : null
    },
  }
}

export type AccountRepository = ReturnType<typeof createAccountRepository>
