import { z } from 'zod'
import { deviceIdSchema } from './sync'
import { idSchema, roleSchema } from './entities'

// Control characters (NUL above all, which PostgreSQL cannot store in text) are refused as bad
// input (400) instead of failing in the database.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/
export const usernameSchema = z.string().trim().min(1, 'username is required').max(64).refine((s) => !CONTROL.test(s), 'username must not contain control characters')
export const loginRequestSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'password is required').max(256).refine((s) => !s.includes('\u0000'), 'password must not contain NUL characters'),
  deviceId: deviceIdSchema,
  deviceName: z.string().max(100).refine((s) => !CONTROL.test(s), 'deviceName must not contain control characters').optional(),
})
export type LoginRequest = z.infer<typeof loginRequestSchema>

export const sessionUserSchema = z.object({
  id: idSchema,
  name: z.string(),
  role: roleSchema,
  gridIds: z.array(idSchema),
})
export type SessionUser = z.infer<typeof sessionUserSchema>

export const loginResponseSchema = z.object({
  token: z.string(),
  user: sessionUserSchema,
  expiresAt: z.number().int(),
})
export type LoginResponse = z.infer<typeof loginResponseSchema>

/**
 * A login's answer on the wire: the session, and the device's recovery secret (issue 19,
 * 忘记PIN码; base64url of 32 bytes). Only answers that checked the password carry it, and the
 * phone never stores it: it wraps the data key with it and forgets it.
 */
export const loginAnswerSchema = loginResponseSchema.extend({ recoveryKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional() })
export type LoginAnswer = z.infer<typeof loginAnswerSchema>

export const meResponseSchema = z.object({
  user: sessionUserSchema,
  device: z.object({ id: deviceIdSchema, name: z.string().nullable() }),
  expiresAt: z.number().int(),
})
export type MeResponse = z.infer<typeof meResponseSchema>
