/** Wire shape of `GET /api/devices` (设备管理), validated by the server's response schema and the client. */
import { z } from 'zod'

export const deviceSchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string().nullable(),
  userName: z.string().nullable(),
  name: z.string().nullable(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  revoked: z.boolean(),
  revokedAt: z.number().nullable(),
})
export type Device = z.infer<typeof deviceSchema>

export const deviceListSchema = z.object({ devices: z.array(deviceSchema) })
