import { z } from 'zod'
import { deviceIdSchema } from './sync'
import { idSchema, roleSchema } from './entities'

export const usernameSchema = z.string().trim().min(1, 'username is required').max(64)
export const loginRequestSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'password is required').max(256),
  deviceId: deviceIdSchema,
  deviceName: z.string().max(100).optional(),
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

export const meResponseSchema = z.object({
  user: sessionUserSchema,
  device: z.object({ id: deviceIdSchema, name: z.string().nullable() }),
  expiresAt: z.number().int(),
})
export type MeResponse = z.infer<typeof meResponseSchema>
