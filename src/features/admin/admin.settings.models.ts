/**
 * 社区设置 in the console: the form's values from the server's answer, what it refuses before
 * sending (the rules of src/domain/communitySettings.ts), the zones offered (the common ones with
 * Chinese names, and the current one if it is not among them), the change to send (only what
 * differs) and the base map in words.
 */
import { COMMON_TIME_ZONES, lockMinutesProblem, timeZoneLabel, timeZoneProblem, MAX_LOCK_MINUTES, MIN_LOCK_MINUTES } from '@/domain/communitySettings'
import { nameProblem } from '@/domain/administration'
import type { CommunitySettingsAnswer } from './admin.api'

export interface SettingsForm {
  name: string
  timeZone: string
  /** As typed: a number input gives '' when emptied. */
  lockMinutes: number | string
}

export { MIN_LOCK_MINUTES, MAX_LOCK_MINUTES }

export function settingsFormOf(a: CommunitySettingsAnswer): SettingsForm {
  return { name: a.community.name, timeZone: a.settings.timeZone, lockMinutes: a.settings.lockMinutes }
}

/** The problems of the form, in the words the server would use. */
export function settingsProblems(f: SettingsForm): string[] {
  const minutes = typeof f.lockMinutes === 'number' ? f.lockMinutes : Number(String(f.lockMinutes).trim() || NaN)
  return [nameProblem(f.name, '社区名称'), timeZoneProblem(f.timeZone), lockMinutesProblem(minutes)].filter((p): p is string => !!p)
}

/** Only what changed, so the audit log says only that. */
export function settingsChange(f: SettingsForm, a: CommunitySettingsAnswer): { name?: string; timeZone?: string; lockMinutes?: number } {
  const out: { name?: string; timeZone?: string; lockMinutes?: number } = {}
  if (f.name.trim() !== a.community.name) out.name = f.name.trim()
  if (f.timeZone !== a.settings.timeZone) out.timeZone = f.timeZone
  const minutes = Number(f.lockMinutes)
  if (minutes !== a.settings.lockMinutes) out.lockMinutes = minutes
  return out
}

export function zoneOptions(current: string, locale: string): { zone: string; label: string }[] {
  const zones = COMMON_TIME_ZONES.map((z) => z.zone)
  if (current && !zones.includes(current)) zones.push(current)
  return zones.map((zone) => ({ zone, label: timeZoneLabel(zone, locale) }))
}

export { timeZoneLabel }

/** i18n keys and values describing the base map (shown, not edited: it is the server's). */
export function tileFacts(tiles: CommunitySettingsAnswer['tiles']): { key: string; named?: Record<string, unknown> }[] {
  if (!tiles.configured) return [{ key: 'admin.settings.tiles.none' }]
  return [
    { key: 'admin.settings.tiles.on' },
    { key: `admin.settings.tiles.crs.${tiles.crs}` },
    { key: 'admin.settings.tiles.maxZoom', named: { n: tiles.maxZoom } },
    ...(tiles.attribution ? [{ key: 'admin.settings.tiles.attribution', named: { text: tiles.attribution } }] : []),
  ]
}
