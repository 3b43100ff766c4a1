/**
 * 设备管理 (DESIGN §4 "Scope and safety", §7): the answers of `GET /api/devices` and
 * `POST /api/devices/:deviceId/revoke` checked at runtime, and how a device is shown.
 */
import type { Device } from '@/domain/devices'

/** Who may open the page; the server answers 403 to anyone else. */
export const DEVICE_MANAGER_ROLES = ['supervisor', 'admin'] as const

export function canManageDevices(role: string | null | undefined): boolean {
  return (DEVICE_MANAGER_ROLES as readonly string[]).includes(role ?? '')
}


/**
 * Why a request failed. `offline`: no answer at all (no signal, server unreachable);
 * `server`: an answer that is not a success, with the server's readable message when it sent one.
 */
export type DevicesError = { kind: 'offline' } | { kind: 'server'; status: number; message: string | null }

/** One row of the list: a phone shared by several users has a row per user. */
export function deviceKey(d: Pick<Device, 'id' | 'userId'>): string {
  return `${d.id}/${d.userId}`
}

/** A 16-character id shortened to its ends, e.g. `d7f3aQ…x9Kp`; short ids stay whole. */
export function shortDeviceId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id
}

/** 张伟（worker01）, or whichever of the two the server knows. */
export function workerLabel(d: Pick<Device, 'userName' | 'username' | 'userId'>): string {
  if (d.userName && d.username) return `${d.userName}（${d.username}）`
  return d.userName ?? d.username ?? d.userId
}

